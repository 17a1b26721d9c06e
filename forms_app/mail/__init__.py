"""Mail: what each event says (notifications.py), the outbox that records and
delivers it (outbox.py), the transport (mailer.py) and the worker command (cli.py)."""
