"""
A real SAML 2.0 identity provider for the sign-in tests, built on pysaml2 (its saml2.server.Server),
serving on 127.0.0.1 only: python tests/sso/saml_idp.py <port> <dir for its keys>.

GET /metadata           the IdP's metadata (signing certificate, sign-in and logout addresses)
GET /metadata?slo=0     the same without its single logout service
GET /sso?SAMLRequest=…  its own login page; POST /login answers the SP with a signed assertion and opens
                        an IdP session (a cookie): while it lasts, /sso answers at once, without the page
POST /sp                the SP's metadata, so the IdP knows where to answer (as an admin uploads it)
GET /logout?sp=…&name_id=…  an IdP-initiated, signed LogoutRequest sent to the SP (HTTP-Redirect)
GET /slo?SAMLRequest=…  an SP-initiated LogoutRequest: refused (400) unless signed with the SP's key;
                        ends the IdP session and answers the SP with a signed LogoutResponse

The login name is the email it asserts. A prefix picks a fault, for the security tests:
"unsigned:" sends no signature, "wrongkey:" signs with a key the SP does not know.
"""

import html
import re
import secrets
import subprocess
import sys
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256
from saml2.xmldsig import SIG_RSA_SHA256 as RSA_SHA256

PORT = int(sys.argv[1])
KEYS = Path(sys.argv[2])
BASE = f"http://127.0.0.1:{PORT}"
XMLSEC = "/usr/bin/xmlsec1"


def make_key_pair(name):
    key, cert = KEYS / f"{name}.key", KEYS / f"{name}.crt"
    if not cert.exists():
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                f"/CN={name}",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            check=True,
            capture_output=True,
        )
    return str(key), str(cert)


def server_for(name, *, want_signed_requests=False):
    key, cert = make_key_pair(name)
    config = IdPConfig()
    config.load(
        {
            "entityid": f"{BASE}/metadata",
            "xmlsec_binary": XMLSEC,
            "key_file": key,
            "cert_file": cert,
            "metadata": {},
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [(f"{BASE}/sso", BINDING_HTTP_REDIRECT)],
                        "single_logout_service": [(f"{BASE}/slo", BINDING_HTTP_REDIRECT)],
                    },
                    "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                    # pysaml2 checks a request's signature only when this is on: the server for
                    # LogoutRequests turns it on, the one for sign-in requests leaves it off.
                    "want_authn_requests_signed": want_signed_requests,
                    "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_URI}},
                }
            },
        }
    )
    return Server(config=config)


IDP = server_for("idp")
WRONG = server_for("stranger")  # same entity id and addresses, another key: a forged signature
SLO = server_for("idp", want_signed_requests=True)
SESSIONS = {}  # IdP session cookie -> the email signed in with it
COOKIE = "idp_session"


def page(body, status="200 OK"):
    return status, [("Content-Type", "text/html; charset=utf-8")], f"<!doctype html><html><body>{body}</body></html>"


def session_of(environ):
    cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    return cookie[COOKIE].value if COOKIE in cookie and cookie[COOKIE].value in SESSIONS else None


def sso(query, environ):
    saml_request = query["SAMLRequest"][0]
    relay = query.get("RelayState", [""])[0]
    session = session_of(environ)
    if session:  # signed in here already: answer without asking again
        return answer(saml_request, relay, SESSIONS[session])
    return page(
        "<h1>Test IdP sign-in</h1>"
        f'<form method="post" action="{BASE}/login">'
        f'<input type="hidden" name="SAMLRequest" value="{html.escape(saml_request)}">'
        f'<input type="hidden" name="RelayState" value="{html.escape(relay)}">'
        '<label>Email <input name="login" id="login"></label>'
        '<label>Password <input type="password" name="password" id="password"></label>'
        '<button type="submit">Sign in to the IdP</button></form>'
    )


def login(form):
    status, headers, body = answer(form["SAMLRequest"][0], form.get("RelayState", [""])[0], form["login"][0])
    session = secrets.token_urlsafe(16)
    SESSIONS[session] = form["login"][0]
    return status, [*headers, ("Set-Cookie", f"{COOKIE}={session}; Path=/; HttpOnly")], body


def answer(saml_request, relay, who):
    request = IDP.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT).message
    fault, _, email = who.partition(":") if ":" in who else ("", "", who)
    local = email.split("@")[0]
    identity = {"mail": [email], "givenName": [local.capitalize()], "sn": ["Tester"], "uid": [email]}
    server = WRONG if fault == "wrongkey" else IDP
    signed = fault != "unsigned"
    response = server.create_authn_response(
        identity,
        in_response_to=request.id,
        destination=request.assertion_consumer_service_url,
        sp_entity_id=request.issuer.text,
        name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
        authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
        sign_response=signed,
        sign_assertion=signed,
        sign_alg=RSA_SHA256,
        digest_alg=DIGEST_SHA256,
    )
    info = server.apply_binding(
        BINDING_HTTP_POST,
        str(response),
        request.assertion_consumer_service_url,
        relay,
        response=True,
    )
    return page(info["data"].replace("<body", "<div").replace("</body>", "</div>"))


def logout(query):
    """An IdP-initiated logout: a LogoutRequest, signed in the redirect (unless ?unsigned=1), to the SP."""
    sls = query["sls"][0]
    _request_id, request = IDP.create_logout_request(
        sls,
        issuer_entity_id=query["sp"][0],
        name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=query["name_id"][0]),
        sign=False,
    )
    signed = "unsigned" not in query
    info = IDP.apply_binding(BINDING_HTTP_REDIRECT, str(request), sls, "", sign=signed, sigalg=RSA_SHA256)
    location = dict(info["headers"])["Location"]
    return "302 Found", [("Location", location)], ""


def slo(query, environ):
    """An SP-initiated logout: check the LogoutRequest's signature, end the IdP session, answer signed."""
    if "Signature" not in query:
        return "400 Bad Request", [("Content-Type", "text/plain")], "unsigned LogoutRequest"
    relay = query.get("RelayState", [""])[0]
    request = SLO.parse_logout_request(
        query["SAMLRequest"][0],
        BINDING_HTTP_REDIRECT,
        relay_state=relay,
        sigalg=query["SigAlg"][0],
        signature=query["Signature"][0],
    ).message
    email = request.name_id.text
    for session in [key for key, who in SESSIONS.items() if who.rpartition(":")[2] == email]:
        del SESSIONS[session]
    response = IDP.create_logout_response(request, [BINDING_HTTP_REDIRECT], sign=False)
    info = IDP.apply_binding(
        BINDING_HTTP_REDIRECT, str(response), response.destination, relay, response=True, sign=True, sigalg=RSA_SHA256
    )
    expired = f"{COOKIE}=; Path=/; Max-Age=0"
    return "302 Found", [("Location", dict(info["headers"])["Location"]), ("Set-Cookie", expired)], ""


def metadata(query):
    xml = create_metadata_string(None, IDP.config).decode()
    if query.get("slo") == ["0"]:
        xml = re.sub(r"<[^<>]*SingleLogoutService[^<>]*/>", "", xml)
    return "200 OK", [("Content-Type", "text/xml")], xml


def app(environ, start_response):
    path = environ["PATH_INFO"]
    query = parse_qs(environ.get("QUERY_STRING", ""))
    try:
        if path == "/metadata":
            result = metadata(query)
        elif path == "/sso":
            result = sso(query, environ)
        elif path == "/login" and environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            result = login(parse_qs(environ["wsgi.input"].read(length).decode()))
        elif path == "/sp" and environ["REQUEST_METHOD"] == "POST":
            xml = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode()
            for server in (IDP, WRONG, SLO):
                server.metadata.load("inline", xml)
            result = "204 No Content", [], ""
        elif path == "/logout":
            result = logout(query)
        elif path == "/slo":
            result = slo(query, environ)
        else:
            result = page("not found", "404 Not Found")
    except Exception as error:  # noqa: BLE001 - a test IdP answers its own failures plainly
        result = "500 Internal Server Error", [("Content-Type", "text/plain")], f"{error.__class__.__name__}: {error}"
    status, headers, body = result
    start_response(status, headers)
    return [body.encode()]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


if __name__ == "__main__":
    with make_server("127.0.0.1", PORT, app, handler_class=QuietHandler) as httpd:
        print(f"saml idp listening on {BASE}", flush=True)
        httpd.serve_forever()
