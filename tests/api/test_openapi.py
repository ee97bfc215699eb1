"""The OpenAPI document (every app's router mounted) and the offline docs page."""

import re

from django.contrib.staticfiles import finders

from tests.supervision.api.test_inbox import SUPERVISION_PATHS

#: Expert panels (eval-panels; issue 10 part 8).
PANEL_PATHS = {
    "/api/v1/panels",
    "/api/v1/panels/{panel_id}",
    "/api/v1/panels/{panel_id}/sheets",
    "/api/v1/panels/{panel_id}/sheets/{sheet_id}",
    "/api/v1/panels/{panel_id}/sheets/{sheet_id}/submit",
    "/api/v1/panels/{panel_id}/sheets/{sheet_id}/reopen",
}
#: Case studies (issue 11 part 6): the public list and one case.
CASE_STUDY_PATHS = {"/api/v1/case-studies", "/api/v1/case-studies/{case_study_id}"}

# --- OpenAPI, docs ----------------------------------------------------------------------------


def test_the_openapi_document_lists_every_path(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert set(schema["paths"]) == set(SUPERVISION_PATHS) | {
        "/api/v1/me",
        "/api/v1/units",
        "/api/v1/reforms",
        "/api/v1/reforms/{reform_id}",
        "/api/v1/reforms/{reform_id}/transition",
        "/api/v1/stats",
        # --- the evaluation (issue 10): rounds, ratings, results, look-back reviews, expert panels
        "/api/v1/rounds",
        "/api/v1/rounds/{round_id}",
        "/api/v1/rounds/{round_id}/ratings",
        "/api/v1/rounds/{round_id}/results",
        "/api/v1/reforms/{reform_id}/lookback",
        "/api/v1/lookback/due",
        # --- issue 11: the annual assessment and fault-tolerance cases
        "/api/v1/assessments/{year}",
        "/api/v1/assessments/{year}/compute",
        "/api/v1/assessments/{year}/units/{unit_id}",
        "/api/v1/assessments/{year}/versions/{number}/review",
        "/api/v1/assessments/{year}/versions/{number}/publish",
        "/api/v1/assessments/{year}/what-if",
        "/api/v1/tolerance-cases",
        "/api/v1/tolerance-cases/{case_id}",
        "/api/v1/tolerance-cases/{case_id}/decide",
    } | PANEL_PATHS | CASE_STUDY_PATHS
    assert set(schema["paths"]["/api/v1/reforms/{reform_id}"]) == {"get", "patch"}
    assert schema["components"]["securitySchemes"]["BearerToken"] == {"type": "http", "scheme": "bearer"}
    reforms = schema["paths"]["/api/v1/reforms"]
    assert {} in reforms["get"]["security"]  # anonymous reads allowed
    assert {} not in reforms["post"]["security"]  # writes need credentials
    assert reforms["post"]["responses"]["403"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }
    params = {p["name"] for p in reforms["get"]["parameters"]}
    assert {"year", "tier", "domain", "unit", "status", "q", "sort", "page", "page_size"} <= params


def test_the_docs_page_is_served_without_a_cdn(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    # Nothing loaded from elsewhere: no absolute address in any src or href (a random CSRF token
    # may spell "cdn", so the page's text as a whole is not searched for it).
    assert "https://" not in html and "http://" not in html and "//" not in "".join(re.findall(r'(?:src|href)="([^"]*)"', html))
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert finders.find(asset), asset
