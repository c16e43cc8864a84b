"""Public commitments (承诺) by units and their service staff, their breaches (from tickets and
spot-check findings) and the yearly fulfilment in the unit's credit record. See docs/CAMPAIGN.md."""
