"""The computations behind the SOP dashboard and the progress report, and
their exports. Read-only: nothing here changes a candidate."""
