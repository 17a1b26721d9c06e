"""netlify.toml's build command, run in a clean copy of the repository.

The copy is `git archive HEAD` (committed files only, as Netlify checks them
out). A fresh virtual environment without pip gets this environment's
packages through a .pth file (installing every dependency again would take
minutes); `python -m pip install .` then really builds and installs the
project from the copy, and `sitegen build` runs from that installation.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sysconfig
import tarfile
import tomllib
import venv
from pathlib import Path

import pytest
from paths import PROJECT

pytestmark = pytest.mark.slow


def test_netlify_build_command_builds_publish_dir_from_clean_checkout(tmp_path):
    config = tomllib.loads((PROJECT / "netlify.toml").read_text(encoding="utf-8"))
    build = config["build"]
    assert build["publish"] == "build/site"
    assert build["environment"]["PYTHON_VERSION"] == "3.11"

    archive = subprocess.run(
        ["git", "archive", "--format=tar", "HEAD"], cwd=PROJECT, capture_output=True, check=True
    ).stdout
    checkout = tmp_path / "checkout"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(checkout, filter="data")
    assert not (checkout / "build").exists()

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    site_packages = Path(
        sysconfig.get_path("purelib", vars={"base": str(env_dir), "platbase": str(env_dir)})
    )
    (site_packages / "borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n")
    env = {
        **os.environ,
        "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(env_dir),
        # Offline: the build backend comes from the borrowed packages.
        "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "0",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "SITEGEN_TODAY": "2024-01-02",
    }
    for key in ("SITEGEN_CONTENT_DIR", "SITEGEN_SITE_URL", "SITEGEN_FORMS_URL", "PYTHONPATH"):
        env.pop(key, None)
    done = subprocess.run(
        build["command"], shell=True, cwd=checkout, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        str(env_dir)
        in subprocess.run(
            [env_dir / "bin" / "python", "-c", "import sitegen; print(sitegen.__file__)"],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout
    )

    site = checkout / build["publish"]
    for path in (
        "index.html",
        "404.html",
        "danh-sach/index.html",
        "tim-kiem/index.html",
        "ke-hoach/ldld-long-bien-32-kh-2023/index.html",
        "ke-hoach.xml",
        "lich/tat-ca.ics",
        "tim-kiem/chi-muc.json",
    ):
        assert (site / path).is_file(), path
    manifest = json.loads((site / "tim-kiem/chi-muc.json").read_text(encoding="utf-8"))
    assert manifest["docs"] == 5
    assert (site / "tim-kiem" / manifest["dir"] / "docs.bin").is_file()
    not_found = (site / "404.html").read_text(encoding="utf-8")
    assert "<h1>Không tìm thấy trang</h1>" in not_found

    # The next build, with build/ restored from Netlify's cache, updates it in place.
    plan = checkout / "content" / "plans" / "ldld-long-bien-32-kh-2023.md"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(
        text.replace("themes:\n", "themes:\n  - Chủ đề thêm sau\n", 1), encoding="utf-8"
    )
    again = subprocess.run(
        build["command"], shell=True, cwd=checkout, env=env, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert "dựng lại" in again.stdout
    page = site / "ke-hoach" / "ldld-long-bien-32-kh-2023" / "index.html"
    assert "Chủ đề thêm sau" in page.read_text(encoding="utf-8")


def test_netlify_plugin_restores_the_build_folder_before_and_saves_it_after(tmp_path):
    """The local build plugin named in netlify.toml, run by Node with a
    recording stand-in for Netlify's `utils.cache` (Netlify itself cannot run here)."""
    config = tomllib.loads((PROJECT / "netlify.toml").read_text(encoding="utf-8"))
    (plugin,) = (p["package"] for p in config["plugins"])
    folder = PROJECT / plugin
    assert (folder / "manifest.yml").read_text(encoding="utf-8").startswith("name: ")
    script = """
const plugin = require(process.argv[1]);
const calls = [];
const utils = {cache: {
  restore: async (path) => { calls.push(["restore", path]); return false; },
  save: async (path) => { calls.push(["save", path]); return true; },
}};
(async () => {
  await plugin.onPreBuild({utils});
  await plugin.onPostBuild({utils});
  console.log(JSON.stringify(calls));
})();
"""
    done = subprocess.run(
        ["node", "-e", script, str(folder / "index.js")], capture_output=True, text=True, check=True
    )
    calls = json.loads(done.stdout.splitlines()[-1])
    command = config["build"]["command"]
    cache = command.split("--cache ")[1].split()[0]
    assert calls == [["restore", "build"], ["save", "build"]]
    assert cache.startswith("build/") and config["build"]["publish"].startswith("build/")
