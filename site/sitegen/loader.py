"""The one reader of `content/`: files in, validated `Content` out.

This module owns opening files under the content folder, parsing YAML (nobody
else parses YAML) and turning every mistake into a located `Problem`. It
gathers all problems of all files before failing once with `ContentError`. It
must not render, write files or know about MkDocs or Flask.
"""

from __future__ import annotations

import datetime as dt
import difflib
import gc
import hashlib
import logging
import os
import pickle
import re
import subprocess
import sys
import tempfile
import typing
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from . import yaml_hints
from .errors import ContentError, Problem, display_path
from .field_names import suggest_key
from .models import (
    FrontMatter,
    Issuer,
    Plan,
    nfc,
    normalise_number,
    pack_text,
    parse_date,
)
from .sources import compare_with_source

log = logging.getLogger(__name__)

ISSUERS_FILE = "issuers.yml"
PLANS_DIR = "plans"
SOURCES_DIR = "sources"

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML without implicit timestamps.

    PyYAML turns ``2023-02-30`` into an exception for the whole file; we keep
    dates as text so the model can say which field holds an impossible date.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Content:
    """Everything the site and the app know about: plans and issuing bodies."""

    root: Path
    plans: tuple[Plan, ...]
    issuers: MappingProxyType[str, Issuer]
    by_slug: MappingProxyType[str, Plan] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_slug", MappingProxyType({p.slug: p for p in self.plans}))

    def implementing(self, plan: Plan) -> tuple[Plan, ...]:
        """Plans on the site that name `plan` among the documents they implement."""
        return tuple(
            p for p in self.plans if any(ref.plan == plan.slug for ref in p.meta.implements)
        )

    def related_to(self, plan: Plan) -> tuple[tuple[Plan, str], ...]:
        """Plans related to `plan` either way, with the relation's label."""
        out = [(self.by_slug[r.plan], r.relation) for r in plan.meta.related]
        out += [
            (p, r.relation)
            for p in self.plans
            for r in p.meta.related
            if r.plan == plan.slug and p.slug not in {r2.plan for r2 in plan.meta.related}
        ]
        return tuple(out)


@dataclass
class _Doc:
    """YAML data with the line of every value, keyed by its path."""

    data: Any
    lines: dict[Path_, int]

    def for_cross_checks(self) -> _Doc:
        """Only what the checks across plans read (links and numbers): a large
        site keeps this for every file while it loads, not the whole tree."""
        data = self.data
        if isinstance(data, dict):
            data = {key: data[key] for key in _CROSS_CHECKED if key in data}
        lines = {
            path: line for path, line in self.lines.items() if path[:1] in _CROSS_CHECKED_PATHS
        }
        return _Doc(data, lines)

    def line_of(self, path: Path_) -> int | None:
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


_CROSS_CHECKED = ("implements", "related", "number")
_CROSS_CHECKED_PATHS = {(), *((key,) for key in _CROSS_CHECKED)}


class _YamlProblem(Exception):
    def __init__(self, line: int | None, field: str, message: str):
        self.line, self.field, self.message = line, field, message


_STR_TAG = "tag:yaml.org,2002:str"


def _parse_yaml(text: str, first_line: int) -> _Doc:
    """Parse YAML keeping lines; `first_line` is the file line of the text's line 1."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, message = yaml_hints.explain(
            exc.problem or "",
            exc.context,
            mark.line if mark else 0,
            exc.context_mark.line if exc.context_mark else None,
            text.split("\n"),
            first_line,
        )
        raise _YamlProblem(line, "yaml", message) from None
    lines: dict[Path_, int] = {}
    loader = _Loader("")

    def convert(node: yaml.Node, path: Path_) -> Any:
        # A key's own line wins over the line where its value starts.
        lines.setdefault(path, node.start_mark.line + first_line)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = nfc(str(construct(key_node)))
                if key in out:
                    raise _YamlProblem(
                        key_node.start_mark.line + first_line,
                        _dotted((*path, key)),
                        "khóa bị lặp lại trong cùng một nhóm",
                    )
                child = (*path, key)
                lines[child] = key_node.start_mark.line + first_line
                out[key] = convert(value_node, child)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [convert(child, (*path, i)) for i, child in enumerate(node.value)]
        return construct(node)

    def construct(node: yaml.Node) -> Any:
        # A string is its node's text (what the constructor would return,
        # through a dozen calls: most values of a plan are strings).
        if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
            return node.value
        return loader.construct_object(node, deep=True)

    try:
        data = convert(root, ()) if root is not None else None
    finally:
        # The constructor keeps every node it constructed, and `convert`
        # refers to itself: without this, each file's node tree waited for
        # the cyclic collector, which a large build turns off while loading
        # (100 KB a plan at the peak).
        loader.constructed_objects.clear()
        convert = construct = None  # type: ignore[assignment]
    return _Doc(data, lines)


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(gốc)"


def _model_at(model: type[BaseModel], loc: Path_) -> type[BaseModel] | None:
    """The model class that holds the last key of `loc`, to suggest close keys."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        current = _inner_model(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


_TYPE_MESSAGES = {
    "missing": "thiếu trường bắt buộc",
    "string_type": "phải là văn bản",
    "int_type": "phải là số nguyên",
    "int_parsing": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "bool_type": "phải là true hoặc false",
    "bool_parsing": "phải là true hoặc false",
    "list_type": "phải là danh sách (mỗi mục một dòng bắt đầu bằng '- ')",
    "tuple_type": "phải là danh sách (mỗi mục một dòng bắt đầu bằng '- ')",
    "model_type": "phải là một nhóm 'khóa: giá trị'",
    "model_attributes_type": "phải là một nhóm 'khóa: giá trị'",
    "dict_type": "phải là một nhóm 'khóa: giá trị'",
    "enum": "giá trị không hợp lệ",
}


def _message(err: dict[str, Any], model: type[BaseModel]) -> str:
    kind = err["type"]
    loc = tuple(err["loc"])
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        known = sorted(parent.model_fields) if parent else []
        close = suggest_key(str(loc[-1]), known)
        hint = f"; có phải ý bạn là {close}?" if close else ""
        return f"khóa không được hỗ trợ{hint}"
    if kind == "enum":
        expected = str(err.get("ctx", {}).get("expected", "")).replace(" or ", " hoặc ")
        return f"giá trị không hợp lệ, chỉ nhận: {expected}"
    if kind in ("greater_than_equal", "less_than_equal"):
        limit = err.get("ctx", {}).get("ge", err.get("ctx", {}).get("le"))
        word = "không nhỏ hơn" if kind == "greater_than_equal" else "không lớn hơn"
        return f"phải là số {word} {limit}"
    if kind.startswith("vn_"):
        return err["msg"]
    # Never pydantic's English text: an editor reads this.
    value = err.get("input")
    shown = f': "{value}"' if isinstance(value, (str, int, float)) else ""
    return _TYPE_MESSAGES.get(kind, f"giá trị không hợp lệ{shown}")


def _validate(
    model: type[BaseModel],
    doc: _Doc,
    path: str,
    base: Path_ = (),
    context: dict[str, Any] | None = None,
) -> tuple[Any | None, list[Problem]]:
    try:
        data = doc.data if not base else _get(doc.data, base)
        return model.model_validate(data, context=context), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = base + tuple(err["loc"])
            problems.append(Problem(path, doc.line_of(loc), _dotted(loc), _message(err, model)))
        return None, problems


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


# A line holding only "---" (and spaces), as `str.strip` sees it: the
# front matter's fences. Found by a search, not by splitting the whole file
# into lines (a tenth of the check of a plan).
_FENCE_RE = re.compile(r"^[^\S\n]*---[^\S\n]*$", re.MULTILINE)


def _split_front_matter(text: str) -> tuple[str, str, int]:
    """Return (yaml text, body, line of the body's first line)."""
    opening = _FENCE_RE.match(text)
    if opening is None:
        raise _YamlProblem(1, "front matter", "tệp phải bắt đầu bằng dòng '---' mở phần thông tin")
    start = opening.end() + 1  # past the fence's line break
    closing = _FENCE_RE.search(text, start) if start <= len(text) else None
    if closing is None:
        raise _YamlProblem(1, "front matter", "thiếu dòng '---' đóng phần thông tin")
    front = text[start : max(start, closing.start() - 1)]
    body_line = text.count("\n", 0, closing.start()) + 2
    return front, text[closing.end() + 1 :], body_line


def load_issuers(root: Path) -> tuple[dict[str, Issuer | None] | None, list[Problem]]:
    """Issuing bodies by key; None instead of the dict when the file is unusable."""
    path = root / ISSUERS_FILE
    shown = display_path(path, root)
    if not path.is_file():
        return None, [Problem(shown, None, "issuers", "thiếu tệp danh sách cơ quan ban hành")]
    try:
        doc = _parse_yaml(nfc(path.read_text(encoding="utf-8")), 1)
    except _YamlProblem as exc:
        return None, [Problem(shown, exc.line, exc.field, exc.message)]
    except UnicodeDecodeError:
        return None, [Problem(shown, None, "tệp", "tệp không phải UTF-8")]
    if not isinstance(doc.data, dict):
        return None, [Problem(shown, 1, "(gốc)", "phải là một nhóm 'khóa: thông tin cơ quan'")]
    issuers: dict[str, Issuer | None] = {}
    problems: list[Problem] = []
    for key, value in doc.data.items():
        # None marks an entry with problems: plans naming it are not reported again.
        issuers[key] = None
        if not isinstance(value, dict):
            problems.append(
                Problem(shown, doc.line_of((key,)), key, "phải là một nhóm 'khóa: giá trị'")
            )
            continue
        lines = {path[1:]: line for path, line in doc.lines.items() if path[:1] == (key,)}
        issuer, found = _validate(Issuer, _Doc({"key": key, **value}, lines), shown)
        for p in found:
            problems.append(Problem(shown, p.line, f"{key}.{p.field}", p.message))
        if issuer is None:
            continue
        issuers[key] = issuer
    return issuers, problems


def load_plan_file(
    path: Path, root: Path, issuers: dict[str, Issuer | None] | None
) -> tuple[Plan | None, list[Problem], _Doc | None]:
    shown = display_path(path, root)
    slug = path.stem
    try:
        text = nfc(path.read_text(encoding="utf-8"))
        front, body, body_line = _split_front_matter(text)
        doc = _parse_yaml(front, 2)
    except _YamlProblem as exc:
        return None, [Problem(shown, exc.line, exc.field, exc.message)], None
    except UnicodeDecodeError:
        return None, [Problem(shown, None, "tệp", "tệp không phải UTF-8")], None
    problems: list[Problem] = []
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        problems.append(
            Problem(
                shown, None, "tên tệp", "chỉ dùng chữ thường không dấu, chữ số và dấu gạch ngang"
            )
        )
    if not isinstance(doc.data, dict):
        problems.append(
            Problem(shown, 2, "(gốc)", "phần thông tin phải là các dòng 'khóa: giá trị'")
        )
        return None, problems, doc
    # Checked on the raw value so that it is reported even when other fields are wrong.
    raw_issuer = doc.data.get("issuer")
    if issuers is not None and isinstance(raw_issuer, str) and raw_issuer not in issuers:
        close = difflib.get_close_matches(raw_issuer, list(issuers), n=1, cutoff=0.6)
        hint = f'; có phải ý bạn là "{close[0]}"?' if close else ""
        problems.append(
            Problem(
                shown,
                doc.line_of(("issuer",)),
                "issuer",
                f'không có cơ quan "{raw_issuer}" trong content/{ISSUERS_FILE}{hint}',
            )
        )
    # Deadlines written without their year ("trước ngày 15/9") take it from the issue date.
    try:
        issued = parse_date(doc.data.get("issued")) if doc.data.get("issued") else None
    except PydanticCustomError:
        issued = None  # reported on its own field by the model
    meta, found = _validate(FrontMatter, doc, shown, context={"issued": issued})
    problems += found
    if meta is None:
        return None, problems, doc
    issuer = issuers.get(meta.issuer) if issuers is not None else None
    source_text, found = _read_source(meta.source, root, shown, doc)
    problems += found
    problems += _check_misprints(meta, body, shown, doc)
    if meta.issued:
        for i, nom in enumerate(meta.nominations):
            if nom.deadline and nom.deadline.date < meta.issued:
                problems.append(
                    Problem(
                        shown,
                        doc.line_of(("nominations", i, "deadline")),
                        f"nominations[{i}].deadline",
                        f"hạn nộp hồ sơ {nom.deadline.date.isoformat()} trước ngày ban hành "
                        f"{meta.issued.isoformat()}",
                    )
                )
    keys = [n.key for n in meta.nominations]
    for i, key in enumerate(keys):
        if key in keys[:i]:
            problems.append(
                Problem(
                    shown,
                    doc.line_of(("nominations", i, "key")),
                    f"nominations[{i}].key",
                    f'khóa "{key}" đã dùng cho một đợt nhận hồ sơ khác trong kế hoạch này',
                )
            )
    if source_text is not None and issuer is not None:
        problems += compare_with_source(
            shown, meta, issuer, body, body_line, source_text, doc.line_of(("edits",))
        )
    if problems or issuer is None:
        return None, problems, doc
    plan = Plan(
        slug=slug,
        source=shown,
        meta=meta,
        packed_body=pack_text(body.strip("\n") + "\n"),
        issuer=issuer,
        packed_source=None if source_text is None else pack_text(source_text),
    )
    return plan, [], doc


def _read_source(
    name: str | None, root: Path, shown: str, doc: _Doc
) -> tuple[str | None, list[Problem]]:
    """The plan's original text, named relative to the content folder (`sources/…`)."""
    if name is None:
        return None, []
    line = doc.line_of(("source",))
    path = (root / name).resolve()
    if not path.is_relative_to(root / SOURCES_DIR) or path.suffix != ".txt":
        return None, [
            Problem(
                shown,
                line,
                "source",
                f'phải là một tệp .txt trong content/{SOURCES_DIR}/: "{name}"',
            )
        ]
    if not path.is_file():
        return None, [Problem(shown, line, "source", f'không có tệp "content/{name}"')]
    try:
        return nfc(path.read_text(encoding="utf-8")), []
    except UnicodeDecodeError:
        return None, [Problem(shown, line, "source", f'tệp "content/{name}" không phải UTF-8')]


def _check_misprints(meta: FrontMatter, body: str, shown: str, doc: _Doc) -> list[Problem]:
    """Each declared misprint must be printed somewhere: in the body or the number."""
    problems = []
    for i, misprint in enumerate(meta.misprints):
        if misprint.text not in body and misprint.text != meta.number:
            problems.append(
                Problem(
                    shown,
                    doc.line_of(("misprints", i, "text")),
                    f"misprints[{i}].text",
                    f'không thấy "{misprint.text}" trong toàn văn hay số ký hiệu của kế hoạch',
                )
            )
    return problems


def _check_links(docs: dict[str, _Doc], slugs: set[str]) -> list[Problem]:
    """Links between plans, on the raw data of every file (valid or not)."""
    problems: list[Problem] = []
    linking = [
        (source, doc)
        for source, doc in docs.items()
        if isinstance(doc.data, dict) and ("implements" in doc.data or "related" in doc.data)
    ]
    for source, doc in sorted(linking):
        for key in ("implements", "related"):
            refs = doc.data.get(key) if isinstance(doc.data, dict) else None
            if not isinstance(refs, list):
                continue
            for i, ref in enumerate(refs):
                target = ref.get("plan") if isinstance(ref, dict) else None
                if isinstance(target, str) and target not in slugs:
                    close = difflib.get_close_matches(target, sorted(slugs), n=1, cutoff=0.6)
                    hint = f'; có phải ý bạn là "{close[0]}"?' if close else ""
                    problems.append(
                        Problem(
                            source,
                            doc.line_of((key, i, "plan")),
                            f"{key}[{i}].plan",
                            f'không có kế hoạch "{target}" trong content/{PLANS_DIR}{hint}',
                        )
                    )
    return problems


def _check_numbers(plans: list[Plan], docs: dict[str, _Doc]) -> list[Problem]:
    """Two plans with the same number from the same body in the same year."""
    problems: list[Problem] = []
    seen: dict[tuple[str, int | None, str], Plan] = {}
    for plan in sorted(plans, key=lambda p: p.source):
        if plan.meta.number:
            key = (plan.meta.issuer, plan.year, normalise_number(plan.meta.number))
            if key in seen:
                other = seen[key]
                problems.append(
                    Problem(
                        plan.source,
                        docs[plan.source].line_of(("number",)),
                        "number",
                        f'số "{plan.meta.number}" của {plan.issuer.short_name} năm {plan.year} '
                        f"đã dùng cho {other.source}",
                    )
                )
            else:
                seen[key] = plan
    return problems


def _plan_files(folder: Path) -> list[tuple[str, _Stamp | None]]:
    """The folder's *.md files (not hidden ones), sorted by name, with their stamps.

    Names are listed and sorted as strings and stamped from the directory
    listing: Path objects, Path.glob and Path comparisons took a second for
    10,000 plans, which the editors' preview pays per save.
    """
    try:
        entries = [e for e in os.scandir(folder) if e.name.endswith(".md")]
    except (FileNotFoundError, NotADirectoryError):
        return []
    entries.sort(key=lambda e: e.name)
    return [(e.name, _entry_stamp(e)) for e in entries if not e.name.startswith(".")]


_Stamp = tuple[int, int]  # a file's modification time (ns) and size


def _entry_stamp(entry: os.DirEntry[str]) -> _Stamp | None:
    try:
        stat = entry.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _stamp(path: Path) -> _Stamp | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


@dataclass
class LoadCache:
    """What the last load read, for the next one (the editors' preview, an
    incremental build): a valid plan whose file and original text
    (`sources/…`) are unchanged, with the issuing bodies unchanged, is not
    read again. The checks across plans (links, numbers) always run on
    every plan, and a plan with problems is always read again.

    Files are stamped by modification time and size; with `by_content`, by
    a hash of their bytes (a cache kept from one checkout to the next, where
    every file has a new modification time).
    """

    by_content: bool = False
    issuers: object = None
    plans: dict[str, _Cached] = field(default_factory=dict)  # by file name
    # With `by_content`: hashes worked out ahead for the next load (see
    # `hash_content`), by path; that load forgets them.
    hashed: dict[str, bytes] = field(default_factory=dict, repr=False)

    def stamp(self, path: Path) -> object:
        if not self.by_content:
            return _stamp(path)
        known = self.hashed.get(str(path))
        return known if known is not None else _hash(path)


def _hash(path: Path) -> bytes | None:
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return None


def hash_content(root: Path) -> dict[str, bytes]:
    """The hash `LoadCache.stamp` gives each file a load stamps (the issuing
    bodies, plans and original texts under `root`), by path: worked out by
    a child process while the build takes its cache (half a second of a
    10,000-plan build, on the idle core)."""
    root = root.resolve()
    paths = [root / ISSUERS_FILE, *(root / PLANS_DIR).glob("*.md"), *(root / SOURCES_DIR).glob("*")]
    return {str(path): digest for path in paths if (digest := _hash(path)) is not None}


@dataclass(frozen=True)
class _Cached:
    stamp: object  # of the plan file
    source: tuple[str, object] | None  # its original text's name and stamp
    plan: Plan
    doc: _Doc | None
    shown: str


def _reuse(cache: LoadCache, root: Path, name: str, stamp: object) -> _Cached | None:
    known = cache.plans.get(name)
    if known is None or stamp is None or known.stamp != stamp:
        return None
    if known.source is not None and cache.stamp(root / known.source[0]) != known.source[1]:
        return None
    return known


# From this many plan files to read, a child process reads half of them:
# YAML and validation are most of a check, and the second core is idle
# then. 10,000 plans (measured, each half alone): 7.0 s a half, 7.8 s for
# the child with its start and its answer, 0.4 s to take the answer; below
# about a thousand files the child's start costs more than it saves.
PARALLEL_FILES = 2000

_Loaded = tuple[Plan | None, list[Problem], "_Doc | None"]


def _load_plan_files(
    root: Path, names: list[str], issuers: dict[str, Issuer | None] | None
) -> list[_Loaded]:
    """`load_plan_file` for each of `names`, keeping of each file's YAML only
    what the checks across plans read."""
    out: list[_Loaded] = []
    for name in names:
        plan, found, doc = load_plan_file(root / PLANS_DIR / name, root, issuers)
        out.append((plan, found, doc.for_cross_checks() if doc is not None else None))
    return out


def _read_plan_files(
    root: Path, names: list[str], issuers: dict[str, Issuer | None] | None
) -> list[_Loaded]:
    """What `_load_plan_files` gives, in the order of `names`; the second
    half read by a child process on a large site with two cores or more."""
    if len(names) < PARALLEL_FILES or (os.cpu_count() or 1) < 2:
        return _load_plan_files(root, names, issuers)
    half = len(names) // 2
    with tempfile.TemporaryDirectory(prefix="sitegen-load-") as tmp:
        job, out = Path(tmp) / "job.pickle", Path(tmp) / "out.pickle"
        job.write_bytes(pickle.dumps((root, names[half:], issuers), pickle.HIGHEST_PROTOCOL))
        # A plain child (not multiprocessing, which would import the
        # caller's main script again in it).
        worker = subprocess.Popen([sys.executable, "-m", "sitegen.loader", str(job), str(out)])
        try:
            first = _load_plan_files(root, names[:half], issuers)
        except BaseException:
            worker.kill()
            worker.wait()
            raise
        if worker.wait() != 0:
            raise RuntimeError(f"sitegen.loader child failed ({worker.returncode})")
        with out.open("rb") as answer:
            return first + pickle.load(answer)


def _load_in_child(job: str, out: str) -> int:
    """The child's part of `_read_plan_files`: its job and its answer are
    files of the parent's own temporary folder."""
    gc.disable()  # a short-lived process whose objects all live to its end
    root, names, issuers = pickle.loads(Path(job).read_bytes())
    with Path(out).open("wb") as answer:
        pickle.dump(_load_plan_files(root, names, issuers), answer, pickle.HIGHEST_PROTOCOL)
    return 0


def load_content(root: Path | str, cache: LoadCache | None = None) -> Content:
    """Read and validate everything under `root`; raise `ContentError` listing every problem.

    With `cache`, files unchanged since the load that filled it are not read
    again, and the cache is updated.
    """
    root = Path(root).resolve()
    if not root.is_dir():
        raise ContentError([Problem(str(root), None, "thư mục", "thư mục nội dung không tồn tại")])
    issuers, problems = load_issuers(root)
    plans: list[Plan] = []
    docs: dict[str, _Doc] = {}
    files = _plan_files(root / PLANS_DIR)  # (name, stamp)
    if not files:
        problems.append(
            Problem(
                display_path(root / PLANS_DIR, root), None, PLANS_DIR, "chưa có kế hoạch nào (*.md)"
            )
        )
    folder = root / PLANS_DIR
    if cache is not None:
        issuers_stamp = cache.stamp(root / ISSUERS_FILE)
        if cache.issuers != issuers_stamp:
            cache.plans.clear()  # every plan holds its issuing body
        if cache.by_content:
            files = [(name, cache.stamp(folder / name)) for name, _ in files]
    reused = {
        name: known
        for name, stamp in files
        if cache is not None and (known := _reuse(cache, root, name, stamp)) is not None
    }
    read = iter(_read_plan_files(root, [name for name, _ in files if name not in reused], issuers))
    for name, stamp in files:
        known = reused.get(name)
        if known is not None:
            plan, found, doc, shown = known.plan, [], known.doc, known.shown
        else:
            plan, found, doc = next(read)
            path = folder / name
            shown = display_path(path, root)
            if cache is not None:
                cache.plans.pop(name, None)
                if plan is not None and not found and stamp is not None:
                    source = plan.meta.source
                    cache.plans[name] = _Cached(
                        stamp,
                        None if source is None else (source, cache.stamp(root / source)),
                        plan,
                        doc,
                        shown,
                    )
        problems += found
        if doc is not None:
            docs[shown] = doc
        if plan is not None:
            plans.append(plan)
    if cache is not None:
        cache.issuers = issuers_stamp
        cache.hashed = {}
        for gone in set(cache.plans) - {name for name, _ in files}:
            del cache.plans[gone]
    problems += _check_links(docs, {name[:-3] for name, _ in files})
    problems += _check_numbers(plans, docs)
    if problems:
        raise ContentError(problems)
    plans.sort(key=lambda p: (p.meta.issued or _sort_fallback(p), p.slug), reverse=True)
    log.debug("loaded %d plans and %d issuers from %s", len(plans), len(issuers), root)
    valid = {key: issuer for key, issuer in (issuers or {}).items() if issuer is not None}
    return Content(root=root, plans=tuple(plans), issuers=MappingProxyType(valid))


def _sort_fallback(plan: Plan) -> dt.date:
    year = plan.year
    return dt.date(year, 1, 1) if year else dt.date.min


def published_texts(root: Path | str) -> list[str]:
    """The bodies and source texts of the plans under `root`, unvalidated.

    Correctly written union Vietnamese that the importer's old-font repair
    learns phrases from; a file that cannot be read is skipped (`check` reports it).
    """
    root = Path(root)
    texts = []
    sources = [p for p in sorted((root / SOURCES_DIR).glob("*.txt")) if p.suffixes == [".txt"]]
    for path in sorted((root / PLANS_DIR).glob("*.md")) + sources:
        try:
            text = nfc(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        if path.suffix == ".md":
            try:
                text = _split_front_matter(text)[1]
            except _YamlProblem:
                continue
        texts.append(text)
    return texts


if __name__ == "__main__":
    # Through the module itself, not __main__: the pickles name its classes.
    from sitegen.loader import _load_in_child

    sys.exit(_load_in_child(*sys.argv[1:]))
