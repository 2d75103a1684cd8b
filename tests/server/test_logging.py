import logging

from server.logging_setup import install_token_redaction
from tests.server.live import create_callback


def test_access_log_redacts_token(caplog):
    install_token_redaction()
    access = logging.getLogger("uvicorn.access")
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        access.info(
            '%s - "%s %s HTTP/%s" %d',
            "127.0.0.1:5000",
            "GET",
            "/AppIntegrations?api_name=a&auth_token=s3cret-Token_1&PORTALID=1",
            "1.1",
            200,
        )
    [record] = caplog.records
    assert "s3cret" not in record.getMessage()
    assert "auth_token=[redacted]&PORTALID=1" in record.getMessage()


def test_service_logs_never_contain_token(live, caplog):
    with caplog.at_level(logging.DEBUG):
        record = create_callback(
            live,
            name="t",
            api_name="t",
            return_type="int",
            script="return 1;",
            publish=True,
        ).json()
        live.client.get(record["url"])
        wrong = record["url"].replace("auth_token=", "auth_token=x")
        live.client.get(wrong)
    token = record["url"].split("auth_token=")[1].split("&")[0]
    # The test's own httpx client logs the URLs it sends; only service logs count.
    service_loggers = ("server", "cache", "runtime", "compiler", "uvicorn")
    text = "\n".join(
        r.getMessage()
        for r in caplog.records
        if r.name.split(".")[0] in service_loggers
    )
    assert "wrong auth token" in text
    assert token not in text
