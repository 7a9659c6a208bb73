-- Northwind Cloud sample workspace: data. Load after 001_schema.sql (which empties the tables).
-- Fixed timestamps (UTC; orders and tickets in 2026, customer sign-ups 2024-2026) keep demo answers
-- deterministic: nothing uses now(). In the story it is 2026-03-09, about 12:00 UTC.

BEGIN;

INSERT INTO customers (id, name, industry, plan, region, account_manager, arr_usd, created_at) VALUES
  (1, 'Acme Corp', 'Manufacturing', 'enterprise', 'us-east', 'Olivia Chen', 480000.00, '2024-03-11 14:00:00+00'),
  (2, 'Globex', 'Energy', 'enterprise', 'us-east', 'James Porter', 365000.00, '2024-06-03 09:30:00+00'),
  (3, 'Initech', 'Software', 'growth', 'us-east', 'Ravi Patel', 72000.00, '2025-01-20 16:15:00+00'),
  (4, 'Umbrella Health', 'Healthcare', 'enterprise', 'eu-central', 'Hannah Schmidt', 410000.00, '2024-09-17 08:45:00+00'),
  (5, 'Stark Logistics', 'Logistics', 'enterprise', 'us-east', 'Olivia Chen', 295000.00, '2025-02-04 13:20:00+00'),
  (6, 'Wayne Financial', 'Financial Services', 'enterprise', 'us-east', 'James Porter', 520000.00, '2024-02-14 10:00:00+00'),
  (7, 'Soylent Foods', 'Food & Beverage', 'growth', 'eu-central', 'Hannah Schmidt', 54000.00, '2025-05-12 11:05:00+00'),
  (8, 'Hooli', 'Software', 'growth', 'us-east', 'Ravi Patel', 96000.00, '2025-01-06 15:40:00+00'),
  (9, 'Vandelay Industries', 'Import/Export', 'starter', 'us-east', 'Ravi Patel', 9600.00, '2025-11-05 12:00:00+00'),
  (10, 'Cyberdyne Systems', 'Robotics', 'enterprise', 'us-east', 'James Porter', 340000.00, '2024-11-28 17:30:00+00'),
  (11, 'Tyrell Biotech', 'Biotechnology', 'growth', 'ap-southeast', 'Olivia Chen', 84000.00, '2025-07-22 03:10:00+00'),
  (12, 'Wonka Confections', 'Food & Beverage', 'starter', 'eu-central', 'Hannah Schmidt', 7200.00, '2025-09-07 09:00:00+00'),
  (13, 'Pied Piper', 'Software', 'starter', 'us-east', 'Ravi Patel', 4800.00, '2025-10-15 18:25:00+00'),
  (14, 'Oceanic Airlines', 'Travel', 'enterprise', 'ap-southeast', 'James Porter', 275000.00, '2025-01-20 01:00:00+00'),
  (15, 'Massive Dynamic', 'Research', 'growth', 'us-east', 'Olivia Chen', 118000.00, '2025-03-22 14:50:00+00'),
  (16, 'Nakatomi Trading', 'Trading', 'growth', 'ap-southeast', 'James Porter', 66000.00, '2025-01-27 02:30:00+00'),
  (17, 'Blue Sun Retail', 'Retail', 'starter', 'ap-southeast', 'Ravi Patel', 10800.00, '2026-01-28 05:00:00+00'),
  (18, 'Gringotts Capital', 'Financial Services', 'enterprise', 'eu-central', 'Hannah Schmidt', 450000.00, '2024-01-03 08:00:00+00'),
  (19, 'Duff Beverages', 'Food & Beverage', 'starter', 'us-east', 'Ravi Patel', 6000.00, '2025-12-12 20:00:00+00'),
  (20, 'Prestige Worldwide', 'Media', 'starter', 'us-east', 'Ravi Patel', 3600.00, '2025-12-15 19:10:00+00'),
  (21, 'Monarch Mining', 'Mining', 'growth', 'ap-southeast', 'James Porter', 58000.00, '2026-02-03 04:20:00+00'),
  (22, 'Dunder Mifflin Paper', 'Wholesale', 'growth', 'us-east', 'Olivia Chen', 42000.00, '2026-02-04 15:00:00+00'),
  (23, 'Aperture Labs', 'Research', 'enterprise', 'us-east', 'Olivia Chen', 310000.00, '2026-02-05 16:30:00+00'),
  (24, 'Virtucon', 'Manufacturing', 'growth', 'eu-central', 'Hannah Schmidt', 88000.00, '2025-01-10 10:10:00+00'),
  (25, 'Sterling Cooper Agency', 'Marketing', 'starter', 'us-east', 'Ravi Patel', 8400.00, '2026-02-20 14:00:00+00');

INSERT INTO orders (id, customer_id, order_number, product, amount_usd, status, ordered_at, refunded_at, refund_reason) VALUES
  (1, 1, 'NW-2026-0001', 'Northwind Enterprise Plan (annual)', 480000.00, 'paid', '2026-01-02 15:00:00+00', NULL, NULL),
  (2, 18, 'NW-2026-0002', 'Northwind Enterprise Plan (annual)', 450000.00, 'paid', '2026-01-03 09:00:00+00', NULL, NULL),
  (3, 9, 'NW-2026-0003', 'Northwind Starter Plan (monthly)', 800.00, 'refunded', '2026-01-05 12:00:00+00', '2026-01-14 16:20:00+00', 'Customer cancelled 9 days after the order; monthly plan refunded in full per the refund policy (requests within 30 days of the order date).'),
  (4, 8, 'NW-2026-0004', 'Northwind Growth Plan (annual)', 96000.00, 'paid', '2026-01-06 15:40:00+00', NULL, NULL),
  (5, 12, 'NW-2026-0005', 'Northwind Starter Plan (monthly)', 600.00, 'paid', '2026-01-07 09:00:00+00', NULL, NULL),
  (6, 2, 'NW-2026-0006', 'Northwind Enterprise Plan (annual)', 365000.00, 'paid', '2026-01-08 09:30:00+00', NULL, NULL),
  (7, 7, 'NW-2026-0007', 'Northwind Growth Plan (monthly)', 4500.00, 'paid', '2026-01-09 11:05:00+00', NULL, NULL),
  (8, 24, 'NW-2026-0008', 'Northwind Growth Plan (annual)', 88000.00, 'paid', '2026-01-10 10:10:00+00', NULL, NULL),
  (9, 19, 'NW-2026-0009', 'Northwind Starter Plan (monthly)', 500.00, 'paid', '2026-01-12 20:00:00+00', NULL, NULL),
  (10, 3, 'NW-2026-0010', 'Northwind Growth Plan (monthly)', 6000.00, 'paid', '2026-01-14 10:02:00+00', NULL, NULL),
  (11, 3, 'NW-2026-0011', 'Northwind Growth Plan (monthly)', 6000.00, 'refunded', '2026-01-14 10:04:00+00', '2026-01-14 15:30:00+00', 'Duplicate charge after a checkout retry during the 2026-01-14 Stripe payment outage; order refunded in full under the refund policy section Duplicate charges (no approval needed).'),
  (12, 2, 'NW-2026-0012', 'Additional Seats (100)', 30000.00, 'failed', '2026-01-14 10:20:00+00', NULL, NULL),
  (13, 2, 'NW-2026-0013', 'Additional Seats (100)', 30000.00, 'paid', '2026-01-14 11:05:00+00', NULL, NULL),
  (14, 13, 'NW-2026-0014', 'Northwind Growth Plan (monthly)', 1500.00, 'refunded', '2026-01-15 18:25:00+00', '2026-01-29 17:00:00+00', 'Customer downgraded to Starter 14 days after the order; monthly plan refunded in full per the refund policy (within 30 days).'),
  (15, 20, 'NW-2026-0015', 'Northwind Starter Plan (monthly)', 300.00, 'paid', '2026-01-15 19:10:00+00', NULL, NULL),
  (16, 10, 'NW-2026-0016', 'Northwind Enterprise Plan (annual)', 340000.00, 'paid', '2026-01-16 17:30:00+00', NULL, NULL),
  (17, 11, 'NW-2026-0017', 'Northwind Growth Plan (annual)', 84000.00, 'refunded', '2026-01-19 03:10:00+00', '2026-01-31 06:00:00+00', 'Annual plan cancelled 12 days after the order; pro-rated refund of $77,000 for 11 unused months per the refund policy (annual plans, within 30 days). Above $5,000, so approved by Grace Liu (Finance).'),
  (18, 14, 'NW-2026-0018', 'Northwind Enterprise Plan (annual)', 275000.00, 'paid', '2026-01-20 01:00:00+00', NULL, NULL),
  (19, 14, 'NW-2026-0019', 'Premium Support Add-on (annual)', 24000.00, 'refunded', '2026-01-20 01:05:00+00', '2026-02-10 04:00:00+00', 'Premium Support add-on cancelled 21 days after the order; pro-rated refund of $22,000 per the refund policy (add-ons follow the plan terms). Above $5,000: approved by Robert Hale (CFO) while Grace Liu was away.'),
  (20, 5, 'NW-2026-0020', 'Northwind Enterprise Plan (annual)', 295000.00, 'paid', '2026-01-21 13:20:00+00', NULL, NULL),
  (21, 15, 'NW-2026-0021', 'Northwind Growth Plan (annual)', 118000.00, 'paid', '2026-01-22 14:50:00+00', NULL, NULL),
  (22, 1, 'NW-2026-0022', 'Additional Seats (200)', 48000.00, 'paid', '2026-01-26 16:00:00+00', NULL, NULL),
  (23, 1, 'NW-2026-0023', 'Data Connector Pack (annual)', 18000.00, 'paid', '2026-01-26 16:05:00+00', NULL, NULL),
  (24, 16, 'NW-2026-0024', 'Northwind Growth Plan (annual)', 66000.00, 'paid', '2026-01-27 02:30:00+00', NULL, NULL),
  (25, 17, 'NW-2026-0025', 'Northwind Starter Plan (annual)', 10800.00, 'paid', '2026-01-28 05:00:00+00', NULL, NULL),
  (26, 13, 'NW-2026-0026', 'Northwind Starter Plan (monthly)', 400.00, 'paid', '2026-01-29 17:05:00+00', NULL, NULL),
  (27, 11, 'NW-2026-0027', 'Northwind Growth Plan (monthly)', 7000.00, 'paid', '2026-02-01 03:15:00+00', NULL, NULL),
  (28, 2, 'NW-2026-0028', 'Additional Seats (20)', 6000.00, 'refunded', '2026-02-02 14:00:00+00', '2026-02-09 10:00:00+00', 'Seats ordered by mistake (already covered by order NW-2026-0013); refunded within 30 days per the refund policy. Amount above $5,000, so approved by Grace Liu (Finance) as the policy requires.'),
  (29, 21, 'NW-2026-0029', 'Northwind Growth Plan (annual)', 58000.00, 'paid', '2026-02-03 04:20:00+00', NULL, NULL),
  (30, 22, 'NW-2026-0030', 'Northwind Growth Plan (annual)', 42000.00, 'paid', '2026-02-04 15:00:00+00', NULL, NULL),
  (31, 22, 'NW-2026-0031', 'Professional Services Onboarding', 12000.00, 'paid', '2026-02-04 15:10:00+00', NULL, NULL),
  (32, 23, 'NW-2026-0032', 'Northwind Enterprise Plan (annual)', 310000.00, 'paid', '2026-02-05 16:30:00+00', NULL, NULL),
  (33, 23, 'NW-2026-0033', 'Professional Services Onboarding', 12000.00, 'paid', '2026-02-05 16:35:00+00', NULL, NULL),
  (34, 12, 'NW-2026-0034', 'Northwind Starter Plan (monthly)', 600.00, 'failed', '2026-02-07 09:00:00+00', NULL, NULL),
  (35, 12, 'NW-2026-0035', 'Northwind Starter Plan (monthly)', 600.00, 'paid', '2026-02-09 10:30:00+00', NULL, NULL),
  (36, 7, 'NW-2026-0036', 'Northwind Growth Plan (monthly)', 4500.00, 'paid', '2026-02-09 11:05:00+00', NULL, NULL),
  (37, 7, 'NW-2026-0037', 'Northwind Growth Plan (monthly)', 4500.00, 'refunded', '2026-02-09 11:06:00+00', '2026-02-11 09:30:00+00', 'Duplicate charge - refund policy section Duplicate charges. The card was charged twice for this order when the checkout page was submitted twice.'),
  (38, 8, 'NW-2026-0038', 'Data Connector Pack (annual)', 15000.00, 'paid', '2026-02-11 15:40:00+00', NULL, NULL),
  (39, 19, 'NW-2026-0039', 'Northwind Starter Plan (monthly)', 500.00, 'paid', '2026-02-12 20:00:00+00', NULL, NULL),
  (40, 10, 'NW-2026-0040', 'Premium Support Add-on (annual)', 30000.00, 'paid', '2026-02-13 17:30:00+00', NULL, NULL),
  (41, 6, 'NW-2026-0041', 'Northwind Enterprise Plan (annual)', 520000.00, 'paid', '2026-02-14 10:00:00+00', NULL, NULL),
  (42, 3, 'NW-2026-0042', 'Northwind Growth Plan (monthly)', 6000.00, 'paid', '2026-02-14 10:02:00+00', NULL, NULL),
  (43, 20, 'NW-2026-0043', 'Northwind Starter Plan (monthly)', 300.00, 'failed', '2026-02-15 19:10:00+00', NULL, NULL),
  (44, 4, 'NW-2026-0044', 'Northwind Enterprise Plan (annual)', 410000.00, 'paid', '2026-02-16 08:45:00+00', NULL, NULL),
  (45, 4, 'NW-2026-0045', 'Premium Support Add-on (annual)', 36000.00, 'paid', '2026-02-16 08:50:00+00', NULL, NULL),
  (46, 20, 'NW-2026-0046', 'Northwind Starter Plan (monthly)', 300.00, 'paid', '2026-02-18 12:00:00+00', NULL, NULL),
  (47, 25, 'NW-2026-0047', 'Northwind Starter Plan (annual)', 8400.00, 'paid', '2026-02-20 14:00:00+00', NULL, NULL),
  (48, 18, 'NW-2026-0048', 'Additional Seats (50)', 15000.00, 'paid', '2026-02-23 09:00:00+00', NULL, NULL),
  (49, 5, 'NW-2026-0049', 'Data Connector Pack (annual)', 18000.00, 'paid', '2026-02-25 13:20:00+00', NULL, NULL),
  (50, 13, 'NW-2026-0050', 'Northwind Starter Plan (monthly)', 400.00, 'paid', '2026-02-28 17:05:00+00', NULL, NULL),
  (51, 11, 'NW-2026-0051', 'Northwind Growth Plan (monthly)', 7000.00, 'paid', '2026-03-01 03:15:00+00', NULL, NULL),
  (52, 19, 'NW-2026-0052', 'Northwind Starter Plan (monthly)', 500.00, 'refunded', '2026-03-02 20:00:00+00', '2026-03-04 18:00:00+00', 'March order charged after the customer had asked to pause the plan on 2026-02-27; refunded in full per the refund policy (within 30 days, under $1,000 so no approval needed).'),
  (53, 15, 'NW-2026-0053', 'Additional Seats (25)', 7500.00, 'paid', '2026-03-03 14:50:00+00', NULL, NULL),
  (54, 12, 'NW-2026-0054', 'Northwind Starter Plan (monthly)', 600.00, 'paid', '2026-03-07 09:00:00+00', NULL, NULL),
  (55, 1, 'NW-2026-0055', 'Additional Seats (400)', 96000.00, 'failed', '2026-03-09 08:47:00+00', NULL, NULL),
  (56, 1, 'NW-2026-0056', 'Additional Seats (400)', 96000.00, 'failed', '2026-03-09 08:52:00+00', NULL, NULL),
  (57, 1, 'NW-2026-0057', 'Additional Seats (400)', 96000.00, 'failed', '2026-03-09 09:01:00+00', NULL, NULL),
  (58, 7, 'NW-2026-0058', 'Northwind Growth Plan (monthly)', 4500.00, 'failed', '2026-03-09 09:20:00+00', NULL, NULL),
  (59, 5, 'NW-2026-0059', 'Additional Seats (100)', 24000.00, 'pending', '2026-03-09 10:15:00+00', NULL, NULL),
  (60, 1, 'NW-2026-0060', 'Additional Seats (400)', 96000.00, 'pending', '2026-03-09 10:30:00+00', NULL, NULL),
  (61, 3, 'NW-2026-0061', 'Northwind Growth Plan (monthly)', 6000.00, 'pending', '2026-03-09 11:40:00+00', NULL, NULL);

INSERT INTO support_tickets (id, customer_id, subject, description, priority, status, assignee, created_at, updated_at) VALUES
  (1, 2, 'SSO login loop for new users', 'New users invited after the Okta migration are sent back to the login page in a loop. Fixed by re-uploading the SAML metadata.', 'normal', 'closed', 'Aisha Karim', '2026-01-06 09:12:00+00', '2026-01-09 14:00:00+00'),
  (2, 3, 'Charged twice at checkout', 'Customer was charged twice for the Growth plan after retrying checkout during the Stripe payment outage on 2026-01-14. Duplicate charge refunded under the refund policy (Duplicate charges); order NW-2026-0011 refunded.', 'urgent', 'closed', 'Dana Whitfield', '2026-01-14 10:12:00+00', '2026-01-21 10:00:00+00'),
  (3, 2, 'Checkout payment failed during Stripe incident', 'Card payment for 100 additional seats failed at checkout with a gateway timeout while Stripe was degraded. We failed over to Adyen per the payment outage runbook; the customer completed the order at 11:05 UTC.', 'urgent', 'closed', 'Dana Whitfield', '2026-01-14 10:25:00+00', '2026-01-21 11:00:00+00'),
  (4, 9, 'Cancel subscription and refund', 'Customer cancelled the Starter plan 9 days after ordering and asked for the money back. Full refund issued per the refund policy (within 30 days); order NW-2026-0003 refunded.', 'normal', 'closed', 'Tom Becker', '2026-01-14 15:50:00+00', '2026-01-21 16:30:00+00'),
  (5, 8, 'How to export dashboards to PDF', 'Customer asked how to export dashboards to PDF for a board meeting. Sent the help center guide.', 'low', 'closed', 'Tom Becker', '2026-01-15 13:00:00+00', '2026-01-22 13:00:00+00'),
  (6, 4, 'Request for HIPAA audit log export', 'Compliance team needs the 2025 audit logs for their HIPAA audit. Exported from the audit log bucket (7 year retention per the data retention policy).', 'normal', 'closed', 'Luis Ortega', '2026-01-16 08:30:00+00', '2026-01-23 09:00:00+00'),
  (7, 6, 'Okta SCIM provisioning not removing leavers', 'Deprovisioned users in Okta stay active in Northwind. Bug in the SCIM PATCH handler, fixed in release 2026.01.3.', 'high', 'resolved', 'Aisha Karim', '2026-01-19 14:05:00+00', '2026-01-23 17:00:00+00'),
  (8, 10, 'API rate limit too low for nightly sync', 'Nightly sync hits the 600 requests/minute limit. Raised to 1,200 for the Enterprise plan.', 'normal', 'closed', 'Aisha Karim', '2026-01-20 22:10:00+00', '2026-01-27 09:00:00+00'),
  (9, 1, 'Add 200 seats before Q1 rollout', 'Account manager Olivia Chen asked us to help Acme Corp add 200 seats before their Q1 rollout. Order NW-2026-0022 paid at checkout.', 'normal', 'closed', 'Dana Whitfield', '2026-01-26 15:30:00+00', '2026-02-02 16:00:00+00'),
  (10, 11, 'Refund request for annual plan', 'Customer cancelled the annual Growth plan 12 days after ordering. Pro-rated refund of $77,000 per the refund policy; above $5,000 so Grace Liu (Finance) approved it.', 'normal', 'closed', 'Dana Whitfield', '2026-01-29 02:40:00+00', '2026-02-05 03:00:00+00'),
  (11, 13, 'Downgrade from Growth to Starter', 'Customer downgraded to Starter 14 days after the Growth order; Growth order refunded per the refund policy.', 'normal', 'closed', 'Tom Becker', '2026-01-29 16:00:00+00', '2026-02-05 17:30:00+00'),
  (12, 17, 'Request invoice copy', 'Customer needs a copy of the January invoice for their accountant. Sent from the billing portal.', 'low', 'closed', 'Tom Becker', '2026-02-02 04:00:00+00', '2026-02-09 05:00:00+00'),
  (13, 5, 'Shipment webhook delays of 10+ minutes', 'Webhooks for shipment events arrived 10 to 15 minutes late because of a backed-up queue. Scaled the webhook workers.', 'high', 'resolved', 'Tom Becker', '2026-02-02 12:00:00+00', '2026-02-04 09:00:00+00'),
  (14, 2, 'Refund for seats ordered by mistake', 'Customer ordered 20 extra seats by mistake; they were already covered by order NW-2026-0013. Refund of $6,000 is above $5,000, so it needed finance approval per the refund policy; Grace Liu approved it on 2026-02-09.', 'high', 'closed', 'Dana Whitfield', '2026-02-03 10:00:00+00', '2026-02-16 10:00:00+00'),
  (15, 15, 'Data Connector Pack: Snowflake sync failing', 'Snowflake connector failed after the customer rotated their key pair. Customer uploaded the new public key.', 'high', 'closed', 'Aisha Karim', '2026-02-03 16:20:00+00', '2026-02-10 10:00:00+00'),
  (16, 18, 'Security questionnaire for annual review', 'Customer sent their 120-question vendor security questionnaire. Answered with the security access policy and SOC 2 report.', 'low', 'closed', 'Marcus Bell', '2026-02-04 08:15:00+00', '2026-02-18 12:00:00+00'),
  (17, 22, 'Onboarding: import of historic data', 'Import of 4 years of orders from the old system. Row counts validated with the customer.', 'normal', 'resolved', 'Luis Ortega', '2026-02-06 14:00:00+00', '2026-02-20 15:00:00+00'),
  (18, 12, 'Card declined at checkout', 'Renewal payment failed at checkout with ''card declined'' from the bank; not an outage. Customer updated the card and the order was paid on 2026-02-09.', 'high', 'closed', 'Tom Becker', '2026-02-07 09:30:00+00', '2026-02-16 10:00:00+00'),
  (19, 14, 'Premium Support add-on not needed', 'Customer says the Premium Support add-on duplicates their Enterprise plan support. Pro-rated refund approved by Robert Hale (CFO) per the refund policy.', 'normal', 'closed', 'Luis Ortega', '2026-02-09 03:00:00+00', '2026-02-16 04:00:00+00'),
  (20, 16, 'Timezone wrong on scheduled reports', 'Scheduled reports use UTC instead of Asia/Tokyo. Workspace timezone setting corrected.', 'low', 'resolved', 'Tom Becker', '2026-02-10 01:30:00+00', '2026-02-11 02:00:00+00'),
  (21, 7, 'Invoice shows duplicate payment', 'Customer sees two payments for the February Growth plan. Checkout form was submitted twice; the duplicate was refunded under the refund policy section Duplicate charges.', 'high', 'closed', 'Luis Ortega', '2026-02-10 08:00:00+00', '2026-02-18 09:30:00+00'),
  (22, 23, 'Slow report exports', 'Report exports over 1 million rows take more than 20 minutes. SEV3; engineering is adding streaming exports. Waiting for the customer to confirm the workaround.', 'normal', 'pending', 'Aisha Karim', '2026-02-12 18:00:00+00', '2026-03-05 10:00:00+00'),
  (23, 21, 'Two-factor reset for admin', 'Admin lost their phone and cannot log in. Identity verified by video call; 2FA reset.', 'high', 'closed', 'Aisha Karim', '2026-02-17 03:40:00+00', '2026-02-24 04:00:00+00'),
  (24, 4, 'Scheduled reports missing after maintenance', 'Two scheduled reports did not run after the 2026-02-19 maintenance window. Jobs re-queued and delivered.', 'high', 'resolved', 'Luis Ortega', '2026-02-20 07:50:00+00', '2026-02-21 12:00:00+00'),
  (25, 24, 'Refund request after 45 days', 'Customer asked for a refund of the annual Growth plan 45 days after the order. Declined per the refund policy (annual plans are refundable only within 30 days); offered a service credit instead.', 'normal', 'closed', 'Dana Whitfield', '2026-02-24 10:00:00+00', '2026-03-03 11:00:00+00'),
  (26, 1, 'Question about SLA service credits', 'Customer asked how service credits work when we breach the support SLA for Enterprise urgent tickets. Waiting for their finance contact to confirm the invoice address.', 'low', 'pending', 'Dana Whitfield', '2026-02-25 17:00:00+00', '2026-03-02 09:00:00+00'),
  (27, 25, 'Feature request: dark mode', 'Customer would like a dark mode for the dashboard.', 'low', 'open', NULL, '2026-02-26 15:00:00+00', '2026-02-26 15:00:00+00'),
  (28, 6, 'Audit log retention question', 'Customer asked how long we keep audit logs. Answered: 7 years, per the data retention policy.', 'low', 'closed', 'Marcus Bell', '2026-02-27 11:00:00+00', '2026-03-06 11:00:00+00'),
  (29, 19, 'Checkout page slow to load', 'Checkout page took 10 seconds to load in the afternoon of 2026-02-27; caused by a slow CDN edge. Resolved by the CDN provider.', 'normal', 'resolved', 'Tom Becker', '2026-02-27 21:00:00+00', '2026-02-28 09:00:00+00'),
  (30, 3, 'Webhook signature verification failing', 'Customer''s webhook endpoint rejects our signatures since they upgraded their framework. Sent the example code for the v2 signature header.', 'normal', 'open', 'Aisha Karim', '2026-03-03 16:00:00+00', '2026-03-06 10:00:00+00'),
  (31, 10, 'Sandbox workspace request', 'Customer would like a sandbox workspace for testing integrations.', 'low', 'open', NULL, '2026-03-04 21:00:00+00', '2026-03-04 21:00:00+00'),
  (32, 18, 'Data residency confirmation for EU', 'Legal asked us to confirm in writing that all data stays in eu-central. Legal (Nadia Farouk) is reviewing the letter.', 'normal', 'pending', 'Marcus Bell', '2026-03-05 08:30:00+00', '2026-03-06 12:00:00+00'),
  (33, 7, 'Bulk user import CSV errors', 'CSV import of 300 users fails on rows with accented names. Engineering reproduced it.', 'normal', 'open', 'Luis Ortega', '2026-03-06 10:00:00+00', '2026-03-08 09:00:00+00'),
  (34, 15, 'Dashboard widgets show stale data', 'Several dashboard widgets show data from the previous day. Suspect the cache invalidation job; SEV3.', 'high', 'open', 'Aisha Karim', '2026-03-07 15:10:00+00', '2026-03-09 08:00:00+00'),
  (35, 4, 'Database connection errors after failover', 'Since the SEV1 database failover on 2026-03-08 at 16:50 UTC (pg-main-01 disk full, promoted pg-main-02) the customer sees intermittent ''terminating connection due to administrator command'' errors in their reporting dashboards. Open urgent issue; following the database failover runbook and the escalation runbook. HIPAA customer: written incident summary due within 24 hours.', 'urgent', 'open', 'Luis Ortega', '2026-03-08 17:45:00+00', '2026-03-09 08:30:00+00'),
  (36, 14, 'Payment receipt missing company VAT number', 'The payment receipt for the Enterprise plan does not show the company VAT number. Asked the customer for the VAT ID.', 'normal', 'pending', 'Tom Becker', '2026-03-09 02:00:00+00', '2026-03-09 06:00:00+00'),
  (37, 11, 'Request to add ap-southeast data export', 'Customer would like scheduled exports to their S3 bucket in ap-southeast-2.', 'low', 'open', NULL, '2026-03-09 04:00:00+00', '2026-03-09 04:00:00+00'),
  (38, 1, 'Checkout failing with payment gateway timeout', 'Urgent ticket: since 08:40 UTC every checkout attempt to buy 400 additional seats fails with a ''payment gateway timeout'' error (HTTP 504); three orders failed and the customer is blocked from rolling out to new users. Looks like a payment outage: following the payment outage runbook (Stripe status, failover to Adyen). Enterprise customer, so escalated to on-call via PagerDuty per the escalation runbook; account manager Olivia Chen informed. Ticket still open.', 'urgent', 'open', 'Dana Whitfield', '2026-03-09 09:05:00+00', '2026-03-09 10:20:00+00'),
  (39, 5, 'API returning 500 errors on shipment sync', 'Customer reports that the shipment sync API returns HTTP 500 for about 30% of calls since 10:30 UTC. Not yet acknowledged by an owner: escalate to on-call per the incident escalation runbook if still unassigned after 1 hour.', 'urgent', 'open', NULL, '2026-03-09 10:40:00+00', '2026-03-09 10:40:00+00'),
  (40, 8, 'All users locked out after SSO certificate rotation', 'No user can log in after the customer rotated their Okta signing certificate. Growth customer; escalation runbook followed, SSO team investigating.', 'urgent', 'open', 'Aisha Karim', '2026-03-09 11:15:00+00', '2026-03-09 11:30:00+00');

-- Explicit ids above; move the identity sequences past them so later inserts do not collide.
DO $$
BEGIN
  PERFORM setval(pg_get_serial_sequence('customers', 'id'), (SELECT max(id) FROM customers));
  PERFORM setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders));
  PERFORM setval(pg_get_serial_sequence('support_tickets', 'id'), (SELECT max(id) FROM support_tickets));
END
$$;

COMMIT;

-- Fresh statistics so row estimates (list_tables) are right straight after loading.
ANALYZE customers;
ANALYZE orders;
ANALYZE support_tickets;

-- The MCP server connects as mosaic_reader; the tables were just recreated, so grant again.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mosaic_reader') THEN
    GRANT USAGE ON SCHEMA public TO mosaic_reader;
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO mosaic_reader;
  END IF;
END
$$;
