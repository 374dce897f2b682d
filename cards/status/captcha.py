"""A small sum to answer before the status page looks anything up: enough
to stop a script that posts NISNs blindly, and no outside service.

The question travels with the form as a token signed with the project's
secret and dated, so the server keeps nothing until the answer comes back.
Each token is answered once, right or wrong: a script cannot solve one
sum and replay it, nor try every answer to the same sum.
"""

import secrets
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _

SALT = "cards.status.captcha"
MAX_AGE_SECONDS = 20 * 60


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def new_challenge() -> Challenge:
    first = secrets.randbelow(9) + 1
    second = secrets.randbelow(9) + 1
    token = signing.dumps(
        {"a": first, "b": second, "n": secrets.token_urlsafe(12)}, salt=SALT
    )
    question = _("Berapa %(a)s + %(b)s?") % {"a": first, "b": second}
    return Challenge(question=question, token=token)


def is_answered(token: str, answer: str) -> bool:
    """True when ``answer`` solves the sum in ``token``, a token this server
    made less than MAX_AGE_SECONDS ago and not used before."""
    try:
        sum_ = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
        first, second, nonce = int(sum_["a"]), int(sum_["b"]), str(sum_["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return False

    # Spent before the answer is compared, so a wrong answer spends it too.
    if not cache.add(f"kbp:captcha:{nonce}", 1, timeout=MAX_AGE_SECONDS):
        return False
    answer = answer.strip()
    return answer.isascii() and answer.isdigit() and int(answer) == first + second
