"""The `flask data` command group: `data purge`, safe to run daily from cron."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from . import operations


def register_commands(app: Flask) -> None:
    app.cli.add_command(data_group)


data_group = AppGroup("data", help="Dữ liệu cá nhân: xóa dữ liệu hết thời hạn lưu.")


@data_group.command("purge")
def purge_command() -> None:
    """Xóa bản nháp quá hạn và hồ sơ, tệp, thư đã hết thời hạn lưu (chạy hằng ngày được)."""
    for line in operations.purge_expired():
        click.echo(line)
