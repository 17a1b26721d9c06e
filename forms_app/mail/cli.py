"""The mail worker's command: `flask --app forms_app outbox send [--watch]`.

It delivers the mails that are due and exits (`--watch` keeps delivering
until stopped). This module parses arguments and prints results; the work is
done by outbox.py. It must not hold delivery rules.
"""

from __future__ import annotations

import logging
import signal
import threading

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .mailer import MailSettings
from .outbox import OutboxPolicy, new_worker_id, send_due_mails

log = logging.getLogger(__name__)

outbox_cli = AppGroup("outbox", help="Gửi thư trong hàng đợi (outbox).")


def register_commands(app: Flask) -> None:
    app.cli.add_command(outbox_cli)


@outbox_cli.command("send")
@click.option("--watch", is_flag=True, help="Chạy liên tục, gửi thư mới khi đến hạn.")
@click.option("--interval", type=float, default=None, help="Số giây giữa hai lượt (--watch).")
def send_command(watch: bool, interval: float | None) -> None:
    """Gửi các thư đã đến hạn rồi thoát (hoặc chạy liên tục với --watch)."""
    app = current_app
    factory = app.extensions["forms_sessionmaker"]
    settings = MailSettings.from_config(app.config, app.instance_path)
    policy = OutboxPolicy.from_config(app.config)
    worker = new_worker_id()
    if not watch:
        report = send_due_mails(factory, settings, policy, worker=worker)
        click.echo(
            f"Đã gửi {report.sent} thư, {report.retried} thư sẽ gửi lại sau, "
            f"{report.failed} thư thất bại."
        )
        return
    stop = threading.Event()

    def request_stop(_signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    pause = interval if interval is not None else float(app.config["OUTBOX_WATCH_INTERVAL"])
    click.echo(f"Đang theo dõi hàng đợi thư (mỗi {pause:g} giây); dừng bằng Ctrl+C.")
    while not stop.is_set():
        try:
            send_due_mails(factory, settings, policy, worker=worker)
        except Exception:  # e.g. the database restarting: log, wait, try again
            log.exception("outbox pass failed")
        stop.wait(pause)
    click.echo("Đã dừng.")
