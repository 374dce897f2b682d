"""The Dinas verification step (SOP step 3): ``rules`` evaluates the
eligibility rules, ``decisions`` applies the verifier's decisions, ``queue``
and ``pages`` put the verifier's pages together, ``review_queue`` works the
DTKS review, ``school`` is the school's side, ``documents`` keeps the SKTM,
``period_rules`` changes the settings and ``lampiran`` writes the Lampiran
SK."""
