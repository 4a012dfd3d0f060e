"""How the alert matcher tells the delivery channels, without importing them."""

from django.dispatch import Signal

# Sent inside the matcher's transaction with `alerts` (a list of new Alert rows), so a
# receiver that queues deliveries writes them atomically with the alerts.
alerts_raised = Signal()
