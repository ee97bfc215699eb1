"""Security headers (issue 9, finding 6; ADR 0029): a strict Content-Security-Policy on every
response, and templates with nothing inline that it would block."""

import base64
import hashlib
import re
from pathlib import Path

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import RequestFactory

from reformledger.core.middleware import ContentSecurityPolicyMiddleware

SRC = Path(__file__).resolve().parents[2] / "src" / "reformledger"
STRICT = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}


def directives(response) -> set[str]:
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


def test_every_kind_of_response_carries_the_strict_policy(client_for, people):
    office = client_for(people.office)
    for response in (
        office.get("/"),
        office.get("/office/reforms/"),
        office.get("/accounts/login/"),
        office.get("/api/v1/reforms"),
        office.get("/no-such-page/"),
        office.get("/admin/login/"),
    ):
        assert STRICT <= directives(response), response.request["PATH_INFO"]
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_the_error_page_style_is_allowed_by_its_hash_on_errors_only():
    rendered = render_to_string("500.html")
    style = re.search(r"<style>(.*?)</style>", rendered, re.DOTALL).group(1)
    source = "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"
    request = RequestFactory().get("/")
    failed = ContentSecurityPolicyMiddleware(lambda r: HttpResponse(status=500))(request)
    assert f"style-src 'self' {source}" in failed["Content-Security-Policy"]
    fine = ContentSecurityPolicyMiddleware(lambda r: HttpResponse())(request)
    assert source not in fine["Content-Security-Policy"]


def test_no_template_has_an_inline_script_style_or_event_handler():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
    problems = []
    for path in SRC.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(SRC))
        if inline_script.search(text):
            problems.append(f"{name}: inline <script>")
        if re.search(r"\sstyle=", text):
            problems.append(f"{name}: style attribute")
        if re.search(r"\son[a-z]+=", text, re.I):
            problems.append(f"{name}: inline event handler")
        if "<style" in text and name != "templates/500.html":
            problems.append(f"{name}: <style> block")
    for path in SRC.rglob("templatetags/*.py"):
        if re.search(r"\sstyle=", path.read_text(encoding="utf-8")):
            problems.append(f"{path.relative_to(SRC)}: style attribute")
    assert problems == []


def test_htmx_adds_no_inline_style(client_for, people):
    html = client_for(people.office).get("/office/reforms/").content.decode()
    assert '"includeIndicatorStyles": false' in html
