"""Write the trade test files in tests/data (and the notebook sample in data/trade/samples) byte for byte.

Every number is made up; the layouts follow the portals' documentation (see README.md here). The files are
committed; run ``python tests/data/build_trade_files.py`` only to change them.
"""

import json
import pathlib

HERE = pathlib.Path(__file__).parent
SAMPLES = HERE.parent.parent / "data" / "trade" / "samples"

# Comtrade+ (website export and API): the 47 fields of a record, in the order the portal writes them
PLUS_HEADER = (
    "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,flowDesc,"
    "partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,"
    "classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,"
    "mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,"
    "isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,"
    "legacyEstimationFlag,isReported,isAggregate"
)
PLUS = PLUS_HEADER.split(",")

# reporter (code, ISO, name), flow, partner (code, ISO, name), cmdCode, cmdDesc, netWgt kg ('' = not reported), US$
RECORDS = [
    ((699, "IND", "India"), "X", (643, "RUS", "Russian Fed."), "09", "Coffee, tea, maté and spices", 2000000, 6000000),
    ((699, "IND", "India"), "M", (643, "RUS", "Russian Federation"), "27", "Mineral fuels", 60000000, 30000000),
    ((699, "IND", "India"), "X", (0, "W00", "World"), "TOTAL", "All Commodities", "", 45000000),
    ((364, "IRN", "Iran"), "RX", (643, "RUS", "Russian Federation"), "TOTAL", "All Commodities", "", 1000000),
    ((699, "IND", "India"), "X", (792, "TUR", "Türkiye"), "09", "Coffee, tea, maté and spices", 100000, 500000),
    ((699, "IND", "India"), "X", (490, "S19", "Other Asia, nes"), "85", "Electrical machinery", 5000, 250000),
]
SAMPLE = RECORDS[:3] + [
    ((31, "AZE", "Azerbaijan"), "M", (364, "IRN", "Iran"), "07", "Edible vegetables", 120000000, 48000000),
    ((31, "AZE", "Azerbaijan"), "X", (398, "KAZ", "Kazakhstan"), "TOTAL", "All Commodities", "", 90000000),
]


def plus_record(record, *, year=2022):
    (rc, riso, rdesc), flow, (pc, piso, pdesc), cmd, desc, kg, usd = record
    flows = {"X": "Export", "M": "Import", "RX": "Re-export"}
    values = {
        "typeCode": "C", "freqCode": "A", "refPeriodId": f"{year}0101", "refYear": year, "refMonth": 52,
        "period": year, "reporterCode": rc, "reporterISO": riso, "reporterDesc": rdesc, "flowCode": flow,
        "flowDesc": flows[flow], "partnerCode": pc, "partnerISO": piso, "partnerDesc": pdesc, "partner2Code": 0,
        "partner2ISO": "W00", "partner2Desc": "World", "classificationCode": "H6", "classificationSearchCode": "HS",
        "isOriginalClassification": "True", "cmdCode": cmd, "cmdDesc": desc, "aggrLevel": 0 if cmd == "TOTAL" else 2,
        "isLeaf": "False", "customsCode": "C00", "customsDesc": "TOTAL CPC", "mosCode": 0, "motCode": 0,
        "motDesc": "TOTAL MOT", "qtyUnitCode": 8 if kg != "" else -1, "qtyUnitAbbr": "kg" if kg != "" else "N/A",
        "qty": kg if kg != "" else 0, "isQtyEstimated": "False", "altQtyUnitCode": -1, "altQtyUnitAbbr": "N/A",
        "altQty": 0, "isAltQtyEstimated": "False", "netWgt": kg, "isNetWgtEstimated": "False", "grossWgt": 0,
        "isGrossWgtEstimated": "False", "cifvalue": usd if flow == "M" else "", "fobvalue": usd if flow != "M" else "",
        "primaryValue": usd, "legacyEstimationFlag": 0, "isReported": "True", "isAggregate": str(cmd == "TOTAL"),
    }  # fmt: skip
    return values


def csv_line(cells):
    out = []
    for cell in cells:
        text = str(cell)
        out.append(f'"{text}"' if ("," in text or '"' in text) else text)
    return ",".join(out)


def comtrade_plus_csv(records, path, *, trailing=True):
    """As the Comtrade+ website serves it: Windows-1252, CRLF, and a comma after the last field of every row."""
    lines = [",".join(PLUS)]
    for record in records:
        row = plus_record(record)
        lines.append(csv_line(row[c] for c in PLUS) + ("," if trailing else ""))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def comtrade_plus_xlsx(records, path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(PLUS)
    for record in records:
        row = plus_record(record)
        sheet.append([row[c] if row[c] != "" else None for c in PLUS])
    book.save(path)


def comtrade_json(records, path):
    data = []
    for record in records[:4]:
        row = plus_record(record)
        for column in ("reporterISO", "reporterDesc", "partnerISO", "partnerDesc", "cmdDesc", "flowDesc"):
            row[column] = None  # the API leaves the descriptions out unless asked (includeDesc)
        for column, value in row.items():
            if isinstance(value, str) and value.lstrip("-").isdigit() and column != "cmdCode":
                row[column] = int(value)
            if value in ("True", "False"):
                row[column] = value == "True"
            if value == "":
                row[column] = None
        data.append(row)
    document = {"elapsedTime": "0.05 secs", "count": len(data), "data": data, "error": ""}
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


BULK_HEADER = (
    "typeCode freqCode refPeriodId refYear refMonth period reporterCode flowCode partnerCode partner2Code "
    "classificationCode classificationSearchCode isOriginalClassification cmdCode aggrLevel isLeaf customsCode "
    "mosCode motCode qtyUnitCode qty isQtyEstimated altQtyUnitCode altQty isAltQtyEstimated netWgt "
    "isNetWgtEstimated grossWgt isGrossWgtEstimated CIFValue FOBValue primaryValue legacyEstimationFlag isReported "
    "isAggregate"
)
BULK = BULK_HEADER.split()


def comtrade_bulk(path):
    """Monthly records of one reporter, as in a bulk file: tab-separated, numeric codes, CIFValue / FOBValue."""
    rows = [
        (202301, 1, 643, "X", 699, "0902", 250000, 1500000),  # Russia -> India, January
        (202302, 2, 643, "X", 699, "0902", 100000, 600000),
        (202301, 1, 643, "M", 364, "0808", 4000000, 3000000),  # Russia imports apples from Iran
        (202301, 1, 643, "X", 0, "TOTAL", "", 35000000000),  # to the World
    ]
    lines = ["\t".join(BULK)]
    for period, month, reporter, flow, partner, cmd, kg, usd in rows:
        row = dict.fromkeys(BULK, "0")
        row.update({
            "typeCode": "C", "freqCode": "M", "refPeriodId": f"{period}01", "refYear": "2023", "refMonth": str(month),
            "period": str(period), "reporterCode": str(reporter), "flowCode": flow, "partnerCode": str(partner),
            "classificationCode": "H6", "classificationSearchCode": "HS", "isOriginalClassification": "1",
            "cmdCode": cmd, "aggrLevel": "4", "isLeaf": "1", "customsCode": "C00", "netWgt": str(kg),
            "CIFValue": str(usd) if flow == "M" else "", "FOBValue": str(usd) if flow == "X" else "",
            "primaryValue": str(usd), "isReported": "1",
        })  # fmt: skip
        lines.append("\t".join(row[c] for c in BULK))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


LEGACY_HEADER = (
    "Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,Trade Flow,Reporter Code,"
    "Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,2nd Partner Code,2nd Partner,2nd Partner ISO,"
    "Customs Proc. Code,Customs,Mode of Transport Code,Mode of Transport,Commodity Code,Commodity,Qty Unit Code,"
    "Qty Unit,Qty,Alt Qty Unit Code,Alt Qty Unit,Alt Qty,Netweight (kg),Gross weight (kg),Trade Value (US$),"
    "CIF Trade Value (US$),FOB Trade Value (US$),Flag"
)
LEGACY = LEGACY_HEADER.split(",")


def comtrade_legacy(path, *, world="WLD"):
    rows = [
        (2, "Export", 398, "Kazakhstan", "KAZ", 643, "Russian Fed.", "RUS", "10", "Cereals", 500000000, 100000000),
        (1, "Import", 398, "Kazakhstan", "KAZ", 364, "Iran", "IRN", "08", "Edible fruit and nuts", 20000000, 15000000),
        (3, "Re-Export", 398, "Kazakhstan", "KAZ", 795, "Turkmenistan", "TKM", "TOTAL", "All Commodities", "", 2000000),
        (2, "Export", 398, "Kazakhstan", "KAZ", 0, "World", world, "TOTAL", "All Commodities", "", 84000000000),
    ]
    lines = [",".join(LEGACY)]
    for code, name, rc, rname, riso, pc, pname, piso, cmd, cname, kg, usd in rows:
        row = dict.fromkeys(LEGACY, "")
        row.update({
            "Classification": "H4", "Year": 2016, "Period": 2016, "Period Desc.": 2016,
            "Aggregate Level": 0 if cmd == "TOTAL" else 2, "Is Leaf Code": 0, "Trade Flow Code": code,
            "Trade Flow": name, "Reporter Code": rc, "Reporter": rname, "Reporter ISO": riso, "Partner Code": pc,
            "Partner": pname, "Partner ISO": piso, "Commodity Code": cmd, "Commodity": cname, "Qty Unit Code": 1,
            "Qty Unit": "No Quantity", "Netweight (kg)": kg, "Trade Value (US$)": usd, "Flag": 0,
        })  # fmt: skip
        lines.append(csv_line(row[c] for c in LEGACY))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def imf_imts(path):
    """SDMX-CSV 2.0 (SDMX 3.0) as the IMF data portal serves IMTS: STRUCTURE, STRUCTURE_ID, ACTION first."""
    head = "STRUCTURE,STRUCTURE_ID,ACTION,COUNTRY,INDICATOR,COUNTERPART_COUNTRY,FREQUENCY,TIME_PERIOD,OBS_VALUE,SCALE"
    rows = [
        ("IND", "XG_FOB_USD", "RUS", "A", "2023", "4000", "6"),
        ("IND", "MG_CIF_USD", "RUS", "A", "2023", "61000", "6"),
        ("IND", "TBG_USD", "RUS", "A", "2023", "-57000", "6"),
        ("IND", "XG_FOB_USD", "G001", "A", "2023", "431000", "6"),
        ("AZE", "XG_FOB_USD", "KAZ", "Q", "2023-Q1", "15.5", "6"),
        ("RUS", "XG_FOB_USD", "IRN", "M", "2023-M01", "250000000", "0"),
    ]
    lines = [head] + [",".join(("dataflow", "IMF.STA:IMTS(1.0.0)", "I", *r)) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def imf_dot_sdmx21(path):
    """SDMX-CSV 1.0 (SDMX 2.1): DATAFLOW first; the old DOT dataflow with ISO2 areas and UNIT_MULT."""
    head = "DATAFLOW,REF_AREA,INDICATOR,COUNTERPART_AREA,FREQ,TIME_PERIOD,OBS_VALUE,UNIT_MULT"
    rows = [
        ("IN", "TXG_FOB_USD", "RU", "A", "2022", "2800", "6"),
        ("IN", "TMG_CIF_USD", "IR", "A", "2022", "670", "6"),
        ("IN", "TXG_FOB_USD", "W00", "A", "2022", "453000", "6"),
    ]
    lines = [head] + [",".join(("IMF:DOT(1.0)", *r)) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def bad_files():
    plus = HERE / "comtrade_plus_export.csv"
    text = plus.read_bytes().decode("cp1252")
    lines = text.split("\r\n")
    # an unknown partner code on line 3
    (HERE / "bad_unknown_code.csv").write_bytes(
        "\r\n".join([*lines[:2], lines[2].replace(",643,RUS,", ",999,RUX,", 1), *lines[3:]]).encode("cp1252")
    )
    # a download cut off in the middle of line 4
    (HERE / "bad_truncated.csv").write_bytes("\r\n".join([*lines[:3], lines[3][:60]]).encode("cp1252"))
    # a value with thousands separators, as a spreadsheet re-saves it, on line 2
    row = lines[1].split(",")
    index = PLUS.index("primaryValue") + 2  # cmdDesc "Coffee, tea, ..." holds two commas inside its quotes
    row[index] = '"6,000,000"'
    (HERE / "bad_thousands.csv").write_bytes("\r\n".join([lines[0], ",".join(row), *lines[2:]]).encode("cp1252"))
    # a header with primaryValue misspelt
    (HERE / "bad_header.csv").write_bytes(text.replace("primaryValue", "primaryValu", 1).encode("cp1252"))
    # a table of no known layout
    (HERE / "bad_layout.csv").write_text("year,from,to,value\n2022,IND,RUS,6\n", encoding="utf-8")
    # an empty file
    (HERE / "bad_empty.csv").write_bytes(b"")
    # UTF-8 on line 2, Windows-1252 on line 6: a file pasted together from two downloads
    utf8 = text.replace("maté", "mat\u00e9").encode("utf-8").split(b"\r\n")
    mixed = [*utf8[:5], lines[5].encode("cp1252"), *utf8[6:]]
    (HERE / "bad_mixed_encoding.csv").write_bytes(b"\r\n".join(mixed))
    # BACI with a letter O for a zero in v, on line 4
    baci = (HERE / "BACI_HS17_Y2022_V202501.csv").read_text().splitlines()
    baci[3] = baci[3].replace("25000", "25OO0")
    (HERE / "BACI_HS17_Y2022_V209901.csv").write_text("\n".join(baci) + "\n")
    (HERE / "country_codes_V209901.csv").write_text((HERE / "country_codes_V202501.csv").read_text())
    # a Comtrade API answer cut off
    document = (HERE / "comtrade_api.json").read_text()
    (HERE / "bad_truncated.json").write_text(document[: len(document) // 2])


def main():
    comtrade_plus_csv(RECORDS, HERE / "comtrade_plus_export.csv")
    comtrade_plus_xlsx(RECORDS, HERE / "comtrade_plus_export.xlsx")
    comtrade_json(RECORDS, HERE / "comtrade_api.json")
    comtrade_bulk(HERE / "comtrade_bulk_C_M_643_2023_H6.txt")
    comtrade_legacy(HERE / "comtrade_legacy.csv")
    comtrade_legacy(HERE / "comtrade_legacy_w00.csv", world="W00")
    imf_imts(HERE / "imf_imts_sdmx30.csv")
    imf_dot_sdmx21(HERE / "imf_dot_sdmx21.csv")
    bad_files()
    SAMPLES.mkdir(parents=True, exist_ok=True)
    comtrade_plus_csv(SAMPLE, SAMPLES / "comtrade_plus_sample.csv")


if __name__ == "__main__":
    main()
