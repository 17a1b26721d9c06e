"""The office's command: `flask --app forms_app office create-user`.

It makes an office account for one or more issuing bodies. This module parses
arguments and prints results; accounts.py holds the rules.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from .accounts import AccountError, create_office_user

office_cli = AppGroup("office", help="Quản lý tài khoản văn phòng.")


def register_commands(app: Flask) -> None:
    app.cli.add_command(office_cli)


@office_cli.command("create-user")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Họ tên hiển thị.")
@click.option(
    "--issuer",
    "issuers",
    multiple=True,
    required=True,
    help="Mã cơ quan trong content/issuers.yml (có thể lặp lại).",
)
@click.password_option("--password", help="Mật khẩu (ít nhất 10 ký tự).")
def create_user_command(
    username: str, display_name: str, issuers: tuple[str, ...], password: str
) -> None:
    """Tạo tài khoản văn phòng thuộc một hoặc nhiều cơ quan ban hành."""
    try:
        user = create_office_user(username, display_name, password, list(issuers))
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Đã tạo tài khoản {user.username} ({', '.join(sorted(user.issuer_keys))}).")
