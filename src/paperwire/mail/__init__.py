"""Outgoing mail: addresses, messages, and the transport (SMTP pool or outbox folder)."""

from .addresses import InvalidAddress, canonical_address, normalize_address
from .message import HeaderInjection, OutgoingMessage, build_message, stable_message_id
from .outbox import OutboxEntry, list_outbox
from .transport import (DeliveryFailure, OutboxTransport, PermanentFailure, SmtpSettings,
                        SmtpTransport, TemporaryFailure, open_transport, outbox_folder,
                        send_one)

__all__ = ["DeliveryFailure", "HeaderInjection", "InvalidAddress", "OutboxEntry",
           "OutboxTransport", "OutgoingMessage", "PermanentFailure", "SmtpSettings",
           "SmtpTransport", "TemporaryFailure", "build_message", "canonical_address", "list_outbox",
           "normalize_address", "open_transport", "outbox_folder", "send_one",
           "stable_message_id"]
