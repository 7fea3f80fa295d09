"""A proposal's participants may be its agreement's guarantors, signatories and monitors
(choices only: no column changes)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0015_agreement_fields'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalparticipant',
            name='role',
            field=models.CharField(choices=[('proposer', 'Proposer'), ('addressee', 'Addressee'), ('mediator', 'Mediator'), ('host', 'Host'), ('responder', 'Responder'), ('accuser', 'Accuser'), ('accused', 'Accused'), ('delegation', 'Delegation'), ('guarantor', 'Guarantor'), ('signatory', 'Signatory'), ('monitor', 'Monitor')], max_length=20),
        ),
        migrations.AlterField(
            model_name='participant',
            name='role',
            field=models.CharField(choices=[('proposer', 'Proposer'), ('addressee', 'Addressee'), ('mediator', 'Mediator'), ('host', 'Host'), ('responder', 'Responder'), ('accuser', 'Accuser'), ('accused', 'Accused'), ('delegation', 'Delegation'), ('guarantor', 'Guarantor'), ('signatory', 'Signatory'), ('monitor', 'Monitor')], max_length=20),
        ),
    ]
