"""Command line: `sitegen check | build | serve | import`.

This module owns argument parsing, the exit codes and what is printed to the
terminal. It must not validate or render by itself: it calls the loader and the
builder.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from .errors import ContentError, display_path
from .loader import load_content

DEFAULT_CONTENT = Path("content")
DEFAULT_OUT = Path("build/site")


def _print_problems(exc: ContentError) -> None:
    for problem in exc.problems:
        print(problem.format())
    count = len(exc.problems)
    files = len({p.path for p in exc.problems})
    print(f"Có {count} lỗi trong {files} tệp. Hãy sửa các lỗi trên rồi chạy lại.")


def cmd_check(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        content = load_content(args.content_dir)
    except ContentError as exc:
        _print_problems(exc)
        return 1
    elapsed = time.perf_counter() - started
    print(
        f"Nội dung hợp lệ: {len(content.plans)} kế hoạch, {len(content.issuers)} cơ quan "
        f"({elapsed:.2f} giây)."
    )
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from mkdocs.exceptions import Abort

    from .build import build_site
    from .search import IndexingError

    started = time.perf_counter()
    try:
        cache = Path(args.cache) if args.cache else None
        summary = build_site(Path(args.content_dir), Path(args.out), cache_dir=cache)
    except ContentError as exc:
        _print_problems(exc)
        return 1
    except (Abort, IndexingError) as exc:
        print(f"Dựng trang thất bại: {exc}")
        return 1
    elapsed = time.perf_counter() - started
    print(f"Đã dựng trang: {summary} → {args.out} ({elapsed:.2f} giây).")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from mkdocs.exceptions import Abort

    from .build import serve_site

    # MkDocs announces the address and every reload, sitegen every update, at INFO level.
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    logging.getLogger("sitegen").setLevel(logging.INFO)
    try:
        serve_site(Path(args.content_dir), args.addr)
    except ContentError as exc:
        _print_problems(exc)
        return 1
    except Abort as exc:
        print(f"Dựng trang thất bại: {exc}")
        return 1
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .importer import UnreadableDocument, import_document
    from .importer.oldfonts import LEGACY_NAMES

    content = Path(args.out)
    try:
        result = import_document(Path(args.file), content)
    except (UnreadableDocument, FileNotFoundError) as exc:
        message = str(exc) if isinstance(exc, UnreadableDocument) else "không có tệp này"
        print(f"{args.file}:0: tệp: {message}")
        return 1
    for problem in result.problems:
        print(problem.format())
    if result.proposal:
        print("Đề xuất thêm vào content/issuers.yml:")
        print("\n".join("    " + line for line in result.proposal.split("\n")))
    if result.encoding:
        name = LEGACY_NAMES.get(result.encoding, result.encoding)
        print(f"Đã chuyển chữ mã {name} sang Unicode.")
    if result.repairs:
        print(f"Đã sửa {result.repairs} chữ bị mất dấu khi trích từ PDF.")
    plan = display_path(result.plan_path, content.resolve())
    source = display_path(result.source_path, content.resolve())
    print(f"Đã tạo {plan} (văn bản gốc: {source}) từ {Path(args.file).name}.")
    if result.problems:
        count = len(result.problems)
        print(f"Còn {count} điểm cần xem lại (ở trên); sửa xong hãy chạy: sitegen check")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sitegen", description="Kế hoạch thi đua → trang web")
    parser.add_argument("-v", "--verbose", action="store_true", help="in thêm thông tin")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="kiểm tra nội dung và liệt kê mọi lỗi")
    check.add_argument("content_dir", nargs="?", default=DEFAULT_CONTENT)
    check.set_defaults(func=cmd_check)

    build = sub.add_parser("build", help="kiểm tra rồi dựng trang tĩnh")
    build.add_argument("--content", dest="content_dir", default=DEFAULT_CONTENT)
    build.add_argument("--out", default=DEFAULT_OUT)
    build.add_argument(
        "--cache",
        metavar="THU_MUC",
        help="giữ ở đây những gì lần dựng sau cần để chỉ dựng lại phần đã đổi "
        "(thư mục trang --out phải được giữ cùng)",
    )
    build.set_defaults(func=cmd_build)

    serve = sub.add_parser("serve", help="xem trước, tự tải lại khi sửa nội dung")
    serve.add_argument("--content", dest="content_dir", default=DEFAULT_CONTENT)
    serve.add_argument("--addr", default="127.0.0.1:8000")
    serve.set_defaults(func=cmd_serve)

    importing = sub.add_parser(
        "import", help="tạo kế hoạch từ tệp Word (.docx), LibreOffice (.odt) hoặc văn bản (.txt)"
    )
    importing.add_argument("file", help="tệp văn bản kế hoạch")
    importing.add_argument(
        "--out", default=DEFAULT_CONTENT, help="thư mục nội dung (mặc định: content)"
    )
    importing.set_defaults(func=cmd_import)

    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(message)s"
    )
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
