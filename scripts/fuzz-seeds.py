#!/usr/bin/env python3
"""Seeds one fuzz target's corpus folder from the sample corpus, the test fixtures, the
docs' TOML examples and the shipped Cedar policies; used by scripts/fuzz.

Usage: scripts/fuzz-seeds.py TARGET CORPUS_DIR SAMPLES_DIR   (run from the repository root)
Seeds are named by their content's hash, so seeding again adds nothing twice."""

import hashlib
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "crates/ingest/tests/fixtures"
# Each provider target's name before `_record`, as the manifest's provider names start.
PROVIDERS = ["okta", "entra", "aws", "google", "github", "duo", "auth0", "onelogin", "m365"]


def sample_files(samples, provider=None):
    """The sample files (all, or one provider's by the manifest), without the meta files."""
    manifest = samples / "manifest.json"
    if not manifest.exists():
        return []
    entries = json.loads(manifest.read_text())
    return [samples / e["file"] for e in entries
            if provider is None or e["provider"].split("-")[0] == provider]


def sample_lines(samples, provider=None):
    for path in sample_files(samples, provider):
        for line in path.read_bytes().splitlines():
            if line.strip():
                yield line


def fixtures(provider=None):
    folder = FIXTURES / provider if provider else FIXTURES
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                yield path.read_bytes()


def toml_examples():
    """```toml blocks of the docs, and the TOML configs the service's and CLI's tests write
    (raw strings holding a `[table]`)."""
    for doc in sorted((ROOT / "docs").glob("*.md")):
        for block in re.findall(r"```toml\n(.*?)```", doc.read_text(), re.S):
            yield block.encode()
    for folder in ["crates/server/tests", "crates/factorwatch/tests"]:
        for source in sorted((ROOT / folder).rglob("*.rs")):
            for block in re.findall(r'r#"(.*?)"#', source.read_text(), re.S):
                if re.search(r"^\s*\[\[?[a-z_.]+\]\]?\s*$", block, re.M):
                    yield block.encode()


def cedar_files():
    """Each shipped policy file, prefixed by the byte the target reads as which file it is:
    its index among the defaults (replacing it) and 0xff (added beside them)."""
    folder = ROOT / "crates/policy/policies/default"
    names = ["allow", "binding", "delegated", "notify", "privileged", "risky", "weaker"]
    for index, name in enumerate(names):
        text = (folder / f"{name}.cedar").read_bytes()
        yield bytes([index]) + text
        yield b"\xff" + text


def seeds(target, samples):
    provider = target.removesuffix("_record")
    if provider in PROVIDERS:
        yield from sample_lines(samples, provider)
        yield from fixtures(provider)
    elif target == "okta_hook":
        # The events array's contents: single events and the whole file's events.
        lines = list(sample_lines(samples, "okta"))
        yield from lines
        yield b",".join(lines)
    elif target == "entra_event_hub":
        lines = list(sample_lines(samples, "entra"))
        yield from lines
        yield b",".join(lines)
    elif target == "http_body":
        # First byte: even, the body as sent; odd, sent gzipped.
        for path in sample_files(samples):
            body = path.read_bytes()[:60000]
            yield b"\x00" + body
            yield b"\x01" + body
    elif target == "service_config":
        yield from toml_examples()
    elif target == "policy_set":
        yield from cedar_files()
    else:  # read_stream, normalize_record: every record and fixture
        yield from sample_lines(samples)
        yield from fixtures()


def main():
    target, corpus, samples = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    corpus.mkdir(parents=True, exist_ok=True)
    added = 0
    for seed in seeds(target, samples):
        path = corpus / ("seed-" + hashlib.sha1(seed).hexdigest())
        if not path.exists():
            path.write_bytes(seed)
            added += 1
    print(f"{target}: {added} new seeds", file=sys.stderr)


if __name__ == "__main__":
    main()
