#!/usr/bin/env python3
"""Walks Vigie's dashboard in headless Chromium (Debian's chromium, driven by Playwright):
signs in with the keyboard, reads the inbox, acknowledges a case and sees it leave the inbox,
opens a company's chart, visits every page in English and French, and records any dialog a
page opens (a script injected through a company's name would). Screenshots of each page go to
SHOTS when given.

Usage: browse_dashboard.py BASE TOKEN CASE_COMPANY CHART_SIREN [SHOTS]; prints a JSON report.
"""
import json, os, sys
from playwright.sync_api import sync_playwright

base, token, company, siren = sys.argv[1:5]
shots = sys.argv[5] if len(sys.argv) > 5 else None
report = {"dialogs": [], "pages": {}, "console_errors": []}
chromium = os.environ.get("VIGIE_CHROMIUM", "/usr/bin/chromium")

def shot(page, name):
    if shots:
        os.makedirs(shots, exist_ok=True)
        page.screenshot(path=os.path.join(shots, f"{name}.png"), full_page=True)

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page.on("dialog", lambda dialog: (report["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: report["console_errors"].append(message.text) if message.type == "error" else None)

    page.goto(base + "/ui/")
    report["redirected_to_login"] = page.url.split("?")[0].endswith("/ui/login")
    shot(page, "login")
    # A wrong token first, then the right one, typed and submitted with the keyboard only.
    page.keyboard.type("not-the-token")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    report["wrong_token_refused"] = "Unknown token" in page.content()
    page.focus("#token")
    page.keyboard.type(token)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    cookies = page.context.cookies()
    report["cookie"] = [{k: c[k] for k in ("name", "httpOnly", "sameSite", "path")} for c in cookies]
    rows = page.locator("tbody tr")
    report["inbox"] = [rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())]
    report["inbox_titles"] = [rows.nth(i).locator("td").nth(2).inner_text() for i in range(rows.count())]
    report["inbox_text"] = page.locator("main").inner_text()
    shot(page, "inbox")

    # The case: its page, then acknowledged, then gone from the inbox.
    row = page.locator("tbody tr", has_text=company).first
    with page.expect_navigation():
        row.locator("td").nth(2).locator("a").click()
    report["case_has_deadline"] = "Declare the claim by" in page.content()
    report["case_has_actions"] = page.locator("section ol li").count()
    report["case_money"] = page.locator("section.position").inner_text() if page.locator("section.position").count() else ""
    report["case_claim"] = page.locator("section.claims").inner_text() if page.locator("section.claims").count() else ""
    shot(page, "case")
    page.fill("#note", "calling the mandataire")
    with page.expect_navigation():
        page.click("button[value=ack]")
    report["after_ack"] = page.locator(".notice").inner_text() if page.locator(".notice").count() else ""
    page.goto(base + "/ui/")
    report["inbox_after_ack"] = [page.locator("tbody tr").nth(i).locator("td").nth(1).inner_text() for i in range(page.locator("tbody tr").count())]

    page.goto(base + f"/ui/companies/{siren}")
    report["chart_lines"] = page.locator("svg polyline").count()
    report["chart_points"] = page.locator("svg circle").count()
    shot(page, "company")
    for name in ("portfolio", "sources", "deliveries"):
        page.goto(base + f"/ui/{name}")
        report["pages"][name] = page.locator("h1").inner_text()
        shot(page, name)
    page.goto(base + "/ui/?lang=fr")
    report["pages"]["fr_inbox"] = page.locator("h1").inner_text()
    shot(page, "inbox-fr")

    # A form posted without the session's CSRF token is refused.
    response = page.request.post(base + f"/ui/cases/x/act", form={"action": "ack"})
    report["csrf_missing_status"] = response.status
    browser.close()

json.dump(report, sys.stdout)
