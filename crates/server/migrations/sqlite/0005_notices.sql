-- What Tandem's own lines say ({"kind":"joined","name":"Anna"}), so the widget can show them
-- in the shopper's language; the text column keeps them in English.
ALTER TABLE messages ADD COLUMN notice TEXT;
