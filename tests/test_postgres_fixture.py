"""The PostgreSQL fixture gives a real, empty, writable database."""

from sqlalchemy import create_engine, text


def test_postgres_url_is_empty_writable_database(postgres_url):
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (v text)"))
        conn.execute(text("INSERT INTO t VALUES ('Công đoàn')"))
        assert conn.execute(text("SELECT v FROM t")).scalar_one() == "Công đoàn"
        version = conn.execute(text("SHOW server_version")).scalar_one()
    engine.dispose()
    assert int(version.split(".")[0]) >= 13
