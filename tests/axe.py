"""axe-core, the accessibility checker the browser tests run (tests/e2e/test_a11y.py), fetched from the npm
registry at a pinned version and checked against the integrity npm publishes for it.

`make test` installs it (`python tests/axe.py`), with Python alone: node and npm may be absent. Only
`axe.min.js` is kept, in the git-ignored `.storybot/axe/`.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import sys
import tarfile
import urllib.request
from pathlib import Path
from typing import Any

VERSION = "4.14.1"
TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
# npm's published `dist.integrity` of that tarball: a changed file on the registry is refused, not run.
INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
ROOT = Path(__file__).resolve().parent.parent
# The version in the name: bumping VERSION installs afresh instead of reusing an older copy.
AXE_JS = ROOT / ".storybot" / "axe" / f"axe-{VERSION}.min.js"
MEMBER = "package/axe.min.js"


GATED = ("serious", "critical")
# WCAG 2.0-2.2 A and AA, and the best practices; target-size (2.5.8, 24x24 px) is only in "wcag22aa".
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def require() -> None:
    """Skip the calling test without axe-core, except in CI, which must run the check (`make axe`)."""
    import pytest

    if not AXE_JS.is_file():
        if os.environ.get("CI"):
            pytest.fail("CI must run the accessibility check: 'make axe' did not install axe-core")
        pytest.skip(f"needs axe-core {VERSION} (make axe)")


def violations(target: Any) -> list[str]:
    """The serious and critical violations axe finds in a Playwright page or frame, one line each: rule,
    impact, target and why. Injects axe first when the document lacks it."""
    if not target.evaluate("typeof window.axe !== 'undefined'"):
        target.add_script_tag(path=str(AXE_JS))
    result = target.evaluate("(tags) => axe.run(document, { runOnly: { type: 'tag', values: tags } })", TAGS)
    return [
        f"{v['id']} ({v['impact']}) at {node['target']}: {' '.join(node['failureSummary'].split())}"
        for v in result["violations"]
        if v["impact"] in GATED
        for node in v["nodes"]
    ]


def integrity_of(data: bytes) -> str:
    """The Subresource-Integrity string npm publishes for a tarball (sha512, base64)."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def extract(tarball: bytes) -> bytes:
    """`axe.min.js` from the package's tarball, after checking the tarball against `INTEGRITY`."""
    found = integrity_of(tarball)
    if found != INTEGRITY:
        raise ValueError(f"axe-core {VERSION}: integrity {found} is not the pinned {INTEGRITY}")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            raise ValueError(f"axe-core {VERSION}: no {MEMBER} in the tarball")
        return member.read()


def install(target: Path = AXE_JS, url: str = TARBALL) -> Path:
    """Fetch, check and write `axe.min.js` to `target` unless it is there already; returns `target`."""
    if target.is_file():
        return target
    with urllib.request.urlopen(url, timeout=60) as response:
        script = extract(response.read())
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".tmp")
    partial.write_bytes(script)
    partial.replace(target)  # whole or absent: an interrupted download never leaves half a script
    return target


if __name__ == "__main__":
    try:
        print(f"axe-core {VERSION}: {install()}")
    except (OSError, ValueError) as exc:
        # Like the browser target: the accessibility test skips (fails in CI) rather than the whole run.
        print(f"axe-core not installed ({exc}): tests/e2e/test_a11y.py will be skipped", file=sys.stderr)
