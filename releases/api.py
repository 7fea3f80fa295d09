"""``/api/v1/releases/``: the releases, newest first, and their files.

A file is served only as its release's manifest lists it: a name the release does not have is
a 404 (nothing else under RELEASES_ROOT is reachable), and a file whose size on disk differs
from the manifest is refused with a 409 and an error in the log, never served silently. Files
never change, so their ``ETag`` is their sha256 and they may be cached for a year.
"""

import logging

import django_filters
from django.http import FileResponse
from django.urls import reverse
from django.utils.http import http_date, quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound
from rest_framework.renderers import JSONRenderer

from events.api.exports import JSONErrorsOnly
from lib.selection import FieldSelectionMixin

from .models import VERSION_PATTERN, Release

logger = logging.getLogger(__name__)

# The file names a release may have (events/… and the texts): letters, digits, dots, hyphens.
FILE_NAME_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
MEDIA_TYPES = {
    ".gz": "application/gzip",
    ".md": "text/markdown; charset=utf-8",
    ".json": "application/json",
    ".cff": "application/x-yaml; charset=utf-8",
}
IMMUTABLE = "public, max-age=31536000, immutable"


class ReleaseFileChanged(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "release_file_changed"


class ReleaseFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    bytes = serializers.IntegerField()
    sha256 = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, entry) -> str:
        path = reverse("release-file", args=[self.context["version"], entry["name"]])
        return self.context["request"].build_absolute_uri(path)


class ReleaseSerializer(serializers.ModelSerializer):
    previous = serializers.SlugRelatedField(slug_field="version", read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="release-detail", lookup_field="version")
    counts = serializers.SerializerMethodField()
    mapping_version = serializers.SerializerMethodField()
    citation = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()

    class Meta:
        model = Release
        fields = [
            "version",
            "url",
            "created_at",
            "previous",
            "counts",
            "mapping_version",
            "citation",
            "files",
        ]
        read_only_fields = fields

    def get_counts(self, release) -> dict[str, int]:
        return release.manifest["counts"]

    def get_mapping_version(self, release) -> str:
        return release.manifest["mapping_version"]

    def get_citation(self, release) -> str:
        return release.manifest["citation"]

    @extend_schema_field(ReleaseFileSerializer(many=True))
    def get_files(self, release) -> list[dict]:
        context = {**self.context, "version": release.version}
        return ReleaseFileSerializer(release.files, many=True, context=context).data


class ReleaseFilterSet(django_filters.FilterSet):
    """No filter: the releases are few, newest first. (A FilterSet all the same, as every list
    of the API has one: its parameters are checked against it.)"""

    class Meta:
        model = Release
        fields: list[str] = []


class ReleaseViewSet(FieldSelectionMixin, viewsets.ReadOnlyModelViewSet):
    """Citable releases of the published data, newest first: each with its counts, its files
    (name, bytes, sha256, address) and how to cite it."""

    queryset = Release.objects.select_related("previous")
    serializer_class = ReleaseSerializer
    filterset_class = ReleaseFilterSet
    lookup_field = "version"
    lookup_value_regex = VERSION_PATTERN

    @extend_schema(
        operation_id="releases_file_retrieve",
        request=None,
        parameters=[
            OpenApiParameter("name", str, OpenApiParameter.PATH, pattern=FILE_NAME_PATTERN)
        ],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The file: application/gzip, text/markdown, application/json or "
                "application/x-yaml (CITATION.cff).",
            ),
            409: OpenApiResponse(description="The file on disk differs from the manifest."),
        },
        description="One file of the release, as its manifest lists it.",
    )
    @action(
        detail=True,
        url_path=rf"(?P<name>{FILE_NAME_PATTERN})",
        url_name="file",
        pagination_class=None,
        renderer_classes=[JSONRenderer],
        content_negotiation_class=JSONErrorsOnly,
    )
    def file(self, request, version=None, name=None, **kwargs):
        release = self.get_object()
        entry = release.file(name)
        if entry is None:
            raise NotFound(f"Release {release.version} has no file {name!r}.")
        path = release.directory / name
        try:
            size = path.stat().st_size
        except OSError:
            size = None
        if size != entry["bytes"]:
            logger.error(
                "Release %s: %s is %s bytes on disk, %s in the manifest; not served.",
                release.version,
                path,
                "missing" if size is None else size,
                entry["bytes"],
            )
            raise ReleaseFileChanged(
                f"The file {name} of release {release.version} differs from its manifest; it "
                f"is not served."
            )
        extension = path.suffix
        response = FileResponse(
            open(path, "rb"),
            content_type=MEDIA_TYPES.get(extension, "application/octet-stream"),
            as_attachment=extension == ".gz",
            filename=f"{release.version}-{name}" if extension == ".gz" else name,
        )
        response["ETag"] = quote_etag(entry["sha256"])
        response["Last-Modified"] = http_date(release.created_at.timestamp())
        response["Cache-Control"] = IMMUTABLE
        return response
