"""`reformledger check --deploy` with the production environment of docs/deployment.md reports
nothing (issue 9, finding 6; ADR 0029). The environment is read from the document itself, so the
document and this test cannot drift apart."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "deployment.md"


def documented_environment() -> dict[str, str]:
    """The ```env block of the deployment checklist, as a dict."""
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"^[ \t]*```env\n(.*?)^[ \t]*```", text, re.MULTILINE | re.DOTALL)
    assert match, "docs/deployment.md has no ```env block"
    env = {}
    for line in match.group(1).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _sep, value = line.partition("=")
            env[name.strip()] = value.strip()
    return env


def test_the_documented_environment_names_the_https_settings():
    env = documented_environment()
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE",
                 "CSRF_COOKIE_SECURE", "CSRF_TRUSTED_ORIGINS", "SECRET_KEY", "ALLOWED_HOSTS"):
        assert name in env, name


def test_check_deploy_with_the_documented_environment_reports_nothing(tmp_path):
    env = documented_environment()
    # What the reader is told to replace (CHANGE-ME: keys), and the places this test may not use.
    env.update({name: secrets.token_urlsafe(50) for name, value in env.items() if value == "CHANGE-ME"})
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env["REFORMLEDGER_VAR_DIR"] = str(tmp_path / "var")
    assert not [name for name, value in env.items() if "CHANGE-ME" in value]
    command = [str(Path(sys.executable).with_name("reformledger")), "check", "--deploy", "--fail-level", "DEBUG"]
    result = subprocess.run(  # noqa: S603 - our own command, no shell
        command,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, output
    assert output == "System check identified no issues (1 silenced).", output
