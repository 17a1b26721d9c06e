"""The `flask data` command group: `data purge`, safe to run daily from cron."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from ..office.cli import office_cli
from . import operations


def register_commands(app: Flask) -> None:
    app.cli.add_command(data_group)


data_group = AppGroup("data", help="Dữ liệu cá nhân: xóa dữ liệu hết thời hạn lưu.")


@data_group.command("purge")
def purge_command() -> None:
    """Xóa bản nháp quá hạn và hồ sơ, tệp, thư đã hết thời hạn lưu (chạy hằng ngày được)."""
    for line in operations.purge_expired():
        click.echo(line)


@office_cli.command("set-admin")
@click.argument("username")
@click.option("--off", is_flag=True, help="Bỏ quyền quản trị.")
def set_admin_command(username: str, off: bool) -> None:
    """Cho (hoặc bỏ) quyền quản trị: xem nhật ký truy cập dữ liệu cá nhân."""
    try:
        click.echo(operations.set_admin(username, not off))
    except LookupError as error:
        raise click.ClickException(str(error)) from error
