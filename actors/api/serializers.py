"""Actors with their aliases and affiliations, referenced by slug."""

from django.db import transaction
from rest_framework import serializers

from lib.drf import full_clean_or_400, instance_with

from ..models import Actor, ActorAlias, Affiliation


class NestedAffiliationSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Affiliation
        fields = ["id", "organization", "role", "start_date", "end_date"]


class AliasesField(serializers.ListField):
    """Aliases read and written as a list of names (prefetched by the views)."""

    def get_attribute(self, actor):
        return [alias.name for alias in actor.aliases.all()]


class ActorSerializer(serializers.ModelSerializer):
    aliases = AliasesField(
        child=serializers.CharField(max_length=200),
        required=False,
        help_text="Other names the actor goes by (Moscow, the Kremlin).",
    )
    affiliations = NestedAffiliationSerializer(many=True, read_only=True)

    class Meta:
        model = Actor
        fields = [
            "slug",
            "name",
            "kind",
            "country",
            "description",
            "wikidata_id",
            "ucdp_actor_id",
            "aliases",
            "affiliations",
        ]

    def validate_aliases(self, names: list[str]) -> list[str]:
        taken = ActorAlias.objects.none()
        for name in names:
            taken = taken | ActorAlias.objects.filter(name__iexact=name)
        if self.instance is not None:
            taken = taken.exclude(actor=self.instance)
        clash = sorted({alias.name for alias in taken})
        if clash:
            raise serializers.ValidationError(
                f"Already the alias of another actor: {', '.join(clash)}."
            )
        if len({n.lower() for n in names}) != len(names):
            raise serializers.ValidationError("An alias is listed twice.")
        return names

    def validate(self, attrs):
        full_clean_or_400(instance_with(self, {k: v for k, v in attrs.items() if k != "aliases"}))
        return attrs

    @transaction.atomic
    def create(self, validated_data):
        aliases = validated_data.pop("aliases", [])
        actor = Actor.objects.create(**validated_data)
        ActorAlias.objects.bulk_create(ActorAlias(actor=actor, name=n) for n in aliases)
        return actor

    @transaction.atomic
    def update(self, instance, validated_data):
        aliases = validated_data.pop("aliases", None)
        instance = super().update(instance, validated_data)
        if aliases is not None:
            instance.aliases.exclude(name__in=aliases).delete()
            existing = set(instance.aliases.values_list("name", flat=True))
            ActorAlias.objects.bulk_create(
                ActorAlias(actor=instance, name=n) for n in aliases if n not in existing
            )
        return instance


class AffiliationSerializer(serializers.ModelSerializer):
    person = serializers.SlugRelatedField(slug_field="slug", queryset=Actor.objects.all())
    organization = serializers.SlugRelatedField(slug_field="slug", queryset=Actor.objects.all())

    class Meta:
        model = Affiliation
        fields = ["id", "person", "organization", "role", "start_date", "end_date"]

    def validate(self, attrs):
        full_clean_or_400(instance_with(self, attrs))
        return attrs
