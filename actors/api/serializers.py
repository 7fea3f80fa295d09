"""Actors with their aliases and affiliations, referenced by slug."""

from django.db import transaction
from rest_framework import serializers

from events.search import refresh_documents_naming
from lib.columns import ColumnsListSerializer
from lib.drf import JSONTypesMixin, full_clean_or_400, instance_with

from .. import services
from ..models import Actor, ActorAlias, Affiliation, alias_names_actor_message


class NestedAffiliationSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Affiliation
        fields = ["id", "organization", "role", "start_date", "end_date"]
        # An actor without affiliations still has their columns in CSV.
        list_serializer_class = ColumnsListSerializer


class AliasesField(serializers.ListField):
    """Aliases read and written as a list of names (prefetched by the views)."""

    def get_attribute(self, actor):
        return [alias.name for alias in actor.aliases.all()]


class ActorSerializer(JSONTypesMixin, serializers.ModelSerializer):
    aliases = AliasesField(
        child=serializers.CharField(max_length=200),
        required=False,
        max_length=Actor.MAX_ALIASES,
        error_messages={"max_length": f"An actor has at most {Actor.MAX_ALIASES} aliases."},
        help_text=(
            f"Other names the actor goes by (Moscow, the Kremlin), at most {Actor.MAX_ALIASES}; "
            "none may be another actor's name or alias."
        ),
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
            "gw_code",
            "aliases",
            "affiliations",
        ]

    def validate_aliases(self, names: list[str]) -> list[str]:
        if len({n.lower() for n in names}) != len(names):
            raise serializers.ValidationError("An alias is listed twice.")
        if not names:
            return names
        # One index look-up each, however many names (the unique indexes on Lower("name")).
        own = self.instance.pk if self.instance is not None else None
        taken = ActorAlias.objects.named(names).exclude(actor_id=own).values_list("name")
        clash = sorted(name for (name,) in taken)
        if clash:
            raise serializers.ValidationError(
                f"Already the alias of another actor: {', '.join(clash)}."
            )
        other = Actor.objects.named(names).exclude(pk=own).order_by("name").first()
        if other is not None:
            alias = next((n for n in names if n.lower() == other.name.lower()), other.name)
            raise serializers.ValidationError(alias_names_actor_message(alias, other))
        return names

    def validate(self, attrs):
        actor = instance_with(self, {k: v for k, v in attrs.items() if k != "aliases"})
        full_clean_or_400(actor)  # also makes a left-out slug from the name
        self._refuse_locked_changes(actor)
        attrs["slug"] = actor.slug
        return attrs

    def _refuse_locked_changes(self, actor: Actor) -> None:
        """An editor cannot change the name or slug of an actor published events show."""
        if self.instance is None:
            return
        changed = [
            name
            for name in services.ACTOR_PUBLIC_FIELDS
            if getattr(actor, name) != getattr(self.instance, name)
        ]
        request = self.context.get("request")
        if changed and request is not None:
            if services.actor_locked_for(request.user, self.instance):
                raise serializers.ValidationError(
                    {name: [services.LOCKED_MESSAGE.format(field=name)] for name in changed}
                )

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
            # Written in bulk, without signals: the events naming the actor are searched by
            # its aliases too.
            refresh_documents_naming([instance.pk])
        return instance


class AffiliationSerializer(JSONTypesMixin, serializers.ModelSerializer):
    person = serializers.SlugRelatedField(slug_field="slug", queryset=Actor.objects.all())
    organization = serializers.SlugRelatedField(slug_field="slug", queryset=Actor.objects.all())

    class Meta:
        model = Affiliation
        fields = ["id", "person", "organization", "role", "start_date", "end_date"]

    def validate(self, attrs):
        full_clean_or_400(instance_with(self, attrs))
        return attrs
