"""What the pipeline announces, so that later apps can react to it without
the pipeline knowing them."""

from django.dispatch import Signal

# Sent inside the transaction of every move, with ``period_ids``: the
# programme periods of the candidates moved.
candidates_moved = Signal()
