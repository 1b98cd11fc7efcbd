"""Pages of results, each carrying the licence the data is published under."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from actionplans.exports import LICENCE_NAME, LICENCE_URL

ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."
LICENCE = {"name": LICENCE_NAME, "url": LICENCE_URL}
LICENCE_SCHEMA = {
    "type": "object",
    "description": "The licence the data is published under.",
    "properties": {"name": {"type": "string"}, "url": {"type": "string", "format": "uri"}},
    "required": ["name", "url"],
}
ATTRIBUTION_SCHEMA = {
    "type": "string",
    "description": "The attribution statement the licence asks re-users to give.",
}


def licensed(data: dict) -> dict:
    """`data` with the licence and attribution first."""
    return {"licence": LICENCE, "attribution": ATTRIBUTION, **data}


class LicensedPagination(PageNumberPagination):
    """100 results a page (up to 1,000 with ?page_size=), numbered from 1, with the count."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_paginated_response(self, data) -> Response:
        return Response(
            licensed(
                {
                    "count": self.page.paginator.count,
                    "next": self.get_next_link(),
                    "previous": self.get_previous_link(),
                    "results": data,
                }
            )
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paged = super().get_paginated_response_schema(schema)
        paged["properties"] = {
            "licence": LICENCE_SCHEMA,
            "attribution": ATTRIBUTION_SCHEMA,
            **paged["properties"],
        }
        paged["required"] = ["licence", "attribution", "count", "next", "previous", "results"]
        return paged
