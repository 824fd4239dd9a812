#!/usr/bin/env python3
"""Writes the tiny MaxMind-format databases the detect tests read (GeoIP enrichment).

Documentation ranges only (RFC 5737): 192.0.2.0/24 is "Paris", 198.51.100.0/24 "Tokyo".
Needs `pip install mmdb-writer netaddr`. Output: crates/detect/tests/data/test-{city,asn}.mmdb
"""
from pathlib import Path

from mmdb_writer import MMDBWriter
from netaddr import IPSet

out = Path(__file__).resolve().parent.parent / "crates/detect/tests/data"
out.mkdir(parents=True, exist_ok=True)

city = MMDBWriter(ip_version=6, database_type="GeoIP2-City", ipv4_compatible=True)
city.insert_network(IPSet(["192.0.2.0/24"]), {
    "country": {"iso_code": "FR", "names": {"en": "France"}},
    "city": {"names": {"en": "Paris"}},
    "location": {"latitude": 48.8566, "longitude": 2.3522, "accuracy_radius": 20},
})
city.insert_network(IPSet(["198.51.100.0/24"]), {
    "country": {"iso_code": "JP", "names": {"en": "Japan"}},
    "city": {"names": {"en": "Tokyo"}},
    "location": {"latitude": 35.6762, "longitude": 139.6503, "accuracy_radius": 20},
})
city.to_db_file(str(out / "test-city.mmdb"))

asn = MMDBWriter(ip_version=6, database_type="GeoLite2-ASN", ipv4_compatible=True)
asn.insert_network(IPSet(["192.0.2.0/24"]), {"autonomous_system_number": 64501, "autonomous_system_organization": "Example Paris ISP"})
asn.insert_network(IPSet(["198.51.100.0/24"]), {"autonomous_system_number": 64502, "autonomous_system_organization": "Example Tokyo ISP"})
asn.to_db_file(str(out / "test-asn.mmdb"))
print("wrote", out / "test-city.mmdb", out / "test-asn.mmdb")
