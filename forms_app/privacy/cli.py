"""The `flask data` command group: `data purge`, safe to run daily from cron."""

from __future__ import annotations

import click
from flask import Flask


def register_commands(app: Flask) -> None:
    app.cli.add_command(data_group)


@click.group("data", help="Dữ liệu cá nhân: xóa dữ liệu hết thời hạn lưu.")
def data_group() -> None:
    pass
