"""Automatic classification of untagged tickets: catalogue keyword rules, then a text model
trained on the centre's own classified tickets (DESIGN §11 "Classify and find")."""
