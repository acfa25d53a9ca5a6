-- +goose Up
-- A facility's client reads its day through its own route, which shows
-- times and IDs only (GET /integrations/appointments); the staff day list,
-- which shows patients and the reasons for their visits, is for staff.
UPDATE casbin_rule SET v2 = 'health.appointment_times'
    WHERE ptype = 'p' AND v0 = 'scope:health.appointments:read' AND v2 = 'health.appointments' AND v3 = 'read';

-- +goose Down
UPDATE casbin_rule SET v2 = 'health.appointments'
    WHERE ptype = 'p' AND v0 = 'scope:health.appointments:read' AND v2 = 'health.appointment_times' AND v3 = 'read';
