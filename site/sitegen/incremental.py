"""What a production build keeps for the next one (`sitegen build --cache DIR`).

This module owns the cache folder: one file, written whole at the end of a
successful build and taken (read, then deleted) at the start of the next, so
a build that fails or is stopped leaves no cache and the one after it builds
everything. The cache holds the loaded plans (stamped by a hash of their
files' bytes, see `LoadCache.by_content`), every output's key and the plans
in the site's order; the build folder it describes is the one the build
wrote, kept beside it (on Netlify, a build plugin keeps `build/` between
builds). It is trusted only when the code, the MkDocs project, the library
versions and the settings are those of the build that wrote it: its
fingerprint says so. The build's moment is not part of it: outputs whose
content depends on the moment carry it in their key (`pages.plan_clock`).

It must not render or write the site: `build` does, through `mkdocs_glue`.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import logging
import os
import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from pydantic import BaseModel

from .forked import Forked, ForkedError, in_child
from .loader import LoadCache
from .models import Issuer, Plan, shared_fields

log = logging.getLogger(__name__)

STATE_FILE = "sitegen-state.pickle"
FORMAT = 4
# Libraries whose output is in the site: another version may render otherwise.
LIBRARIES = ("mkdocs", "mkdocs-material", "jinja2", "cmarkgfm", "markdown", "pymdown-extensions")
PACKAGE = Path(__file__).resolve().parent


@dataclass
class Kept:
    """What one build leaves for the next."""

    fingerprint: str
    site_dir: str  # the folder it built, resolved
    loaded: LoadCache  # the plans by file, stamped by content
    keys: dict[str, object]  # every output's key by its path under docs/
    plans: tuple[Plan, ...]  # in the site's order
    # Each plan taken from the state with its pickle, by id: an unchanged
    # plan is written back as it was read (pickling 10,000 plans again took
    # about 1.5 s of every build). The plan is held with it, so its id
    # cannot be another object's.
    pickled: dict[int, tuple[Plan, bytes]] = field(default_factory=dict, repr=False)


def fingerprint(project: Path, settings: tuple[str, ...]) -> str:
    """A digest of everything besides the content that makes the site: the
    sitegen package and the MkDocs project's files (mkdocs.yml, hooks,
    overrides, docs/), the versions of Python and of the libraries that
    render, and the settings."""
    digest = hashlib.sha256(f"{FORMAT}\0{sys.version}\0".encode())
    for name in LIBRARIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}\0".encode())
    for value in settings:
        digest.update(value.encode() + b"\0")
    for root in sorted({PACKAGE, project.resolve()}):
        for path in sorted(_files(root)):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _files(root: Path) -> list[Path]:
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
        found += [Path(folder) / n for n in names if not n.endswith(".pyc")]
    return found


def take(cache_dir: Path, expected: str, site_dir: Path) -> Kept | None:
    """The previous build's state if it can be trusted for this build, else
    None; either way the state file is gone afterwards (see the module's
    docstring)."""
    path = cache_dir / STATE_FILE
    try:
        kept = _load(path)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a truncated or foreign file: build everything
        log.warning("Bỏ qua bộ nhớ đệm %s: %s", path, exc)
        kept = None
    finally:
        path.unlink(missing_ok=True)
    if not isinstance(kept, Kept):
        return None
    if kept.fingerprint != expected:
        log.info("Mã nguồn, thư viện hoặc cấu hình đã đổi: dựng lại toàn bộ.")
        return None
    if kept.site_dir != str(site_dir.resolve()) or not site_dir.is_dir():
        log.info("Thư mục trang của lần dựng trước không còn: dựng lại toàn bộ.")
        return None
    return kept


def keep(cache_dir: Path, kept: Kept) -> Callable[[], None]:
    """Start writing the state for the next build; the function returned
    waits for it and puts it in place (call it once the build succeeded:
    the state is there whole, or not at all).

    A forked child writes it while the build goes on (see `sitegen.forked`).
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    aside = cache_dir / f".{STATE_FILE}.new"
    target = cache_dir / STATE_FILE
    return partial(_put_in_place, in_child(partial(_dump, kept, aside)), aside, target)


# The state file: (FORMAT, the issuing bodies by key, the plans each pickled
# alone with its issuing body as its key, the rest pickled with each plan as
# its number among them). Issuing bodies are shared: unpickling each plan's
# own copy made taking the state a fifth slower.


def _dump(kept: Kept, path: Path) -> None:
    issuers = {plan.issuer.key: plan.issuer for plan in kept.plans}
    blobs: list[bytes] = []
    numbers: dict[int, int] = {}

    class PlanPickler(pickle.Pickler):
        def persistent_id(self, obj: object) -> str | None:
            if type(obj) is Issuer and issuers.get(obj.key) == obj:
                return obj.key
            return None

        def reducer_override(self, obj: object) -> object:
            if isinstance(obj, BaseModel):
                return _model, _model_state(obj)
            return NotImplemented

    def pickled(plan: Plan) -> bytes:
        known = kept.pickled.get(id(plan))
        if known is not None and known[0] is plan:
            return known[1]
        out = io.BytesIO()
        PlanPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(plan)
        return out.getvalue()

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj: object) -> int | None:
            if type(obj) is not Plan:
                return None
            number = numbers.get(id(obj))
            if number is None:
                blobs.append(pickled(obj))
                number = numbers[id(obj)] = len(blobs) - 1
            return number

    rest = io.BytesIO()
    Pickler(rest, protocol=pickle.HIGHEST_PROTOCOL).dump(replace(kept, pickled={}))
    state = (FORMAT, issuers, blobs, rest.getvalue())
    with path.open("wb") as file:
        pickle.dump(state, file, protocol=pickle.HIGHEST_PROTOCOL)


def _model_state(model: BaseModel) -> tuple[object, ...]:
    return (
        type(model),
        model.__dict__,
        model.__pydantic_fields_set__,
        model.__pydantic_extra__,
        model.__pydantic_private__,
    )


_new = object.__new__
_set = object.__setattr__


def _model(
    cls: type[BaseModel],
    values: dict[str, object],
    fields_set: set[str],
    extra: dict[str, object] | None,
    private: dict[str, object] | None,
) -> BaseModel:
    """A pickled model made again as pydantic's own unpickling does, in one
    call instead of its two (`__reduce_ex__`, then `__setstate__`): taking
    the state of 10,000 plans, about 17 models each, a quarter faster. Its
    set of given fields is shared, as a loaded model's (`shared_fields`)."""
    model = _new(cls)
    _set(model, "__dict__", values)
    _set(model, "__pydantic_fields_set__", shared_fields(fields_set))
    _set(model, "__pydantic_extra__", extra)
    _set(model, "__pydantic_private__", private)
    return model


def _load(path: Path) -> object:
    with path.open("rb") as file:
        written, issuers, blobs, rest = pickle.load(file)
    if written != FORMAT:
        return None
    plans = []
    for blob in blobs:
        unpickler = pickle.Unpickler(io.BytesIO(blob))
        unpickler.persistent_load = issuers.__getitem__  # type: ignore[assignment]
        plans.append(unpickler.load())
    unpickler = pickle.Unpickler(io.BytesIO(rest))
    unpickler.persistent_load = plans.__getitem__  # type: ignore[assignment]
    kept = unpickler.load()
    if isinstance(kept, Kept):
        kept.pickled = {id(plan): (plan, blob) for plan, blob in zip(plans, blobs, strict=True)}
    return kept


def _put_in_place(writing: Forked[None], aside: Path, target: Path) -> None:
    try:
        writing.result()
    except ForkedError as exc:
        aside.unlink(missing_ok=True)
        log.warning("Không ghi được bộ nhớ đệm: lần dựng sau sẽ dựng lại toàn bộ.\n%s", exc)
        return
    os.replace(aside, target)
