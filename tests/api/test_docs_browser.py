"""The API's docs page (Swagger UI from drf-spectacular-sidecar) in Chromium: it loads from
the live server alone (no CDN, no other host) and the CSP is not violated."""

import pytest

from tests.journeys.conftest import CSP_LISTENER


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_page_loads_offline_under_the_csp(live_server, browser_page, screenshot):
    page = browser_page
    requests, console = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.add_init_script(CSP_LISTENER)
    response = page.goto(f"{live_server.url}/api/v1/docs/")
    assert response.status == 200
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".swagger-ui .info .title")
    page.wait_for_selector("text=/api/v1/deputies/")
    page.wait_for_load_state("networkidle")
    assert "嘉定区人大代表履职管理系统 开放接口" in page.inner_text(".swagger-ui .info .title")
    screenshot(page, "api-docs")
    outside = [url for url in requests if not url.startswith(live_server.url)]
    assert outside == []
    assert page.evaluate("window.__cspViolations") == []
    assert [m for m in console if "Content Security Policy" in m or m.startswith("error")] == []
