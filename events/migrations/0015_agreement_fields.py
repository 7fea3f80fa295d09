"""A proposal's agreement: when the sides agreed (``agreed_on``), whether its terms are written
or verbal and where the text is (``text_url``), the stage of the peace process (PA-X), and who
ended it (``ended_by``), with the constraints between them (events.models.Proposal)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('actors', '0003_unambiguous_names_triggers'),
        ('events', '0014_conflict_dyads_pax_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalproposal',
            name='agreed_on',
            field=models.DateField(blank=True, help_text='When the sides agreed to it; an agreement that never took effect has this date and no effective one.', null=True),
        ),
        migrations.AddField(
            model_name='historicalproposal',
            name='ended_by',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='Who ended it or withdrew from it, when the article names them.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='actors.actor'),
        ),
        migrations.AddField(
            model_name='historicalproposal',
            name='stage',
            field=models.CharField(blank=True, choices=[('pre_negotiation', 'Pre-negotiation (talks about talks)'), ('framework', 'Framework (substantive, partial or comprehensive)'), ('implementation', 'Implementation'), ('renewal', 'Renewal'), ('other', 'Other')], help_text='The stage of the peace process, as PA-X codes it. Blank when not coded.', max_length=20),
        ),
        migrations.AddField(
            model_name='historicalproposal',
            name='text_url',
            field=models.URLField(blank=True, help_text="Where the agreement's text is published (not a news article about it).", max_length=1000, verbose_name='text URL'),
        ),
        migrations.AddField(
            model_name='historicalproposal',
            name='written',
            field=models.CharField(blank=True, choices=[('written', 'Written'), ('verbal', 'Verbal')], help_text='Written: its terms are a text the sides signed or published; verbal: an announcement or an understanding. Blank when the article does not say.', max_length=10),
        ),
        migrations.AddField(
            model_name='proposal',
            name='agreed_on',
            field=models.DateField(blank=True, help_text='When the sides agreed to it; an agreement that never took effect has this date and no effective one.', null=True),
        ),
        migrations.AddField(
            model_name='proposal',
            name='ended_by',
            field=models.ForeignKey(blank=True, help_text='Who ended it or withdrew from it, when the article names them.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='ended_proposals', to='actors.actor'),
        ),
        migrations.AddField(
            model_name='proposal',
            name='stage',
            field=models.CharField(blank=True, choices=[('pre_negotiation', 'Pre-negotiation (talks about talks)'), ('framework', 'Framework (substantive, partial or comprehensive)'), ('implementation', 'Implementation'), ('renewal', 'Renewal'), ('other', 'Other')], help_text='The stage of the peace process, as PA-X codes it. Blank when not coded.', max_length=20),
        ),
        migrations.AddField(
            model_name='proposal',
            name='text_url',
            field=models.URLField(blank=True, help_text="Where the agreement's text is published (not a news article about it).", max_length=1000, verbose_name='text URL'),
        ),
        migrations.AddField(
            model_name='proposal',
            name='written',
            field=models.CharField(blank=True, choices=[('written', 'Written'), ('verbal', 'Verbal')], help_text='Written: its terms are a text the sides signed or published; verbal: an announcement or an understanding. Blank when the article does not say.', max_length=10),
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(fields=['agreed_on'], name='proposal_agreed_on'),
        ),
        migrations.AddConstraint(
            model_name='proposal',
            constraint=models.CheckConstraint(condition=models.Q(('agreed_on__isnull', True), ('ended_on__isnull', True), ('agreed_on__lte', models.F('ended_on')), _connector='OR'), name='proposal_agreed_not_after_end', violation_error_message='It cannot have been agreed after it ended: a later agreement is a proposal of its own, which extends or replaces this one.'),
        ),
        migrations.AddConstraint(
            model_name='proposal',
            constraint=models.CheckConstraint(condition=models.Q(('agreed_on__isnull', True), models.Q(('arrangement', 'unilateral'), _negated=True), _connector='OR'), name='proposal_unilateral_not_agreed', violation_error_message='A unilateral truce is declared, not agreed: leave the agreement date blank, or correct the arrangement.'),
        ),
        migrations.AddConstraint(
            model_name='proposal',
            constraint=models.CheckConstraint(condition=models.Q(('agreed_on__isnull', True), models.Q(('outcome__in', ['proposed', 'under_consideration', 'rejected']), _negated=True), _connector='OR'), name='proposal_agreed_outcome', violation_error_message='An agreed proposal is not merely proposed, under consideration or rejected: correct the outcome or the agreement date.'),
        ),
        migrations.AddConstraint(
            model_name='proposal',
            constraint=models.CheckConstraint(condition=models.Q(('text_url', ''), models.Q(('written', 'verbal'), _negated=True), _connector='OR'), name='proposal_verbal_has_no_text', violation_error_message='A verbal arrangement has no text to link to.'),
        ),
        migrations.AddConstraint(
            model_name='proposal',
            constraint=models.CheckConstraint(condition=models.Q(('ended_by__isnull', True), ('ended_on__isnull', False), models.Q(('end_reason', ''), _negated=True), ('outcome__in', ['collapsed', 'withdrawn']), _connector='OR'), name='proposal_ended_by_once_ended', violation_error_message='Who ended it is given once it has ended: give the end date, the reason or the outcome too.'),
        ),
    ]
