-- Catalogue for the local stack (`npm start`) and demos. Idempotent: existing SKUs are left as they are,
-- so edits made through the API survive the next start.
insert into products (sku, name, description, price_cents, currency, stock)
values
  ('MUG-001', 'Enamel mug', 'A white enamel camping mug, 350 ml.', 8990, 'CLP', 40),
  ('TEE-002', 'Organic cotton tee', 'Heavyweight tee, unisex fit.', 14990, 'CLP', 25),
  ('BAG-003', 'Canvas tote', 'Waxed canvas tote with an inner pocket.', 19990, 'CLP', 15),
  ('CAP-004', 'Wool cap', 'Merino wool beanie, one size.', 12990, 'CLP', 30),
  ('NTB-005', 'Dot-grid notebook', 'A5, 160 pages, lay-flat binding.', 7490, 'CLP', 60),
  ('BTL-006', 'Steel bottle', 'Insulated bottle, 750 ml, keeps cold 24 h.', 21990, 'CLP', 20),
  ('SOX-007', 'Hiking socks', 'Cushioned merino socks, pair.', 9990, 'CLP', 50),
  ('PEN-008', 'Brass pen', 'Solid brass ballpoint, refillable.', 24990, 'CLP', 10)
on conflict (sku) do nothing;
