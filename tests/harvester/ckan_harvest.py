"""Run by the harvester's own Python (`make harvester`): ckanext-dcat's RDFParser, DCAT-AP 3 profile.

Reads a DCAT catalogue (Turtle) on standard input; prints the CKAN dataset dicts the parser makes,
as JSON, on standard output. Kept apart from the project: CKAN is not a project dependency.
"""

import json
import sys

from ckanext.dcat.processors import RDFParser

parser = RDFParser(profiles=["euro_dcat_ap_3"])
parser.parse(sys.stdin.read(), _format="turtle")
json.dump(list(parser.datasets()), sys.stdout, default=str)
