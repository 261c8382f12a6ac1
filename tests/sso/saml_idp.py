"""
A real SAML 2.0 identity provider for the sign-in tests, built on pysaml2 (its saml2.server.Server),
serving on 127.0.0.1 only: python tests/sso/saml_idp.py <port> <dir for its keys>.

GET /metadata           the IdP's metadata (signing certificate, sign-in and logout addresses)
GET /sso?SAMLRequest=…  its own login page; POST /login answers the SP with a signed assertion
POST /sp                the SP's metadata, so the IdP knows where to answer (as an admin uploads it)
GET /logout?sp=…&name_id=…  an IdP-initiated, signed LogoutRequest sent to the SP (HTTP-Redirect)

The login name is the email it asserts. A prefix picks a fault, for the security tests:
"unsigned:" sends no signature, "wrongkey:" signs with a key the SP does not know.
"""

import html
import subprocess
import sys
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


def server_for(name):
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
                    "want_authn_requests_signed": False,
                    "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_URI}},
                }
            },
        }
    )
    return Server(config=config)


IDP = server_for("idp")
WRONG = server_for("stranger")  # same entity id and addresses, another key: a forged signature


def page(body, status="200 OK"):
    return status, [("Content-Type", "text/html; charset=utf-8")], f"<!doctype html><html><body>{body}</body></html>"


def sso(query):
    saml_request = query["SAMLRequest"][0]
    relay = query.get("RelayState", [""])[0]
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
    request = IDP.parse_authn_request(form["SAMLRequest"][0], BINDING_HTTP_REDIRECT).message
    who = form["login"][0]
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
        form.get("RelayState", [""])[0],
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


def app(environ, start_response):
    path = environ["PATH_INFO"]
    query = parse_qs(environ.get("QUERY_STRING", ""))
    try:
        if path == "/metadata":
            result = "200 OK", [("Content-Type", "text/xml")], create_metadata_string(None, IDP.config).decode()
        elif path == "/sso":
            result = sso(query)
        elif path == "/login" and environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            result = login(parse_qs(environ["wsgi.input"].read(length).decode()))
        elif path == "/sp" and environ["REQUEST_METHOD"] == "POST":
            xml = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode()
            for server in (IDP, WRONG):
                server.metadata.load("inline", xml)
            result = "204 No Content", [], ""
        elif path == "/logout":
            result = logout(query)
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
