package home

import (
	"context"

	"golang.org/x/sync/errgroup"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/offers"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// overviewLimit bounds each list on the overview, and so its queries.
const overviewLimit = 20

// Appointments gives a citizen's upcoming appointments, their own and
// their dependants'; the health module answers it.
type Appointments interface {
	Upcoming(ctx context.Context, accountID string, limit int) ([]AppointmentCard, error)
}

// Applications gives a citizen's school applications, open and decided;
// the education module answers it.
type Applications interface {
	Recent(ctx context.Context, accountID string, limit int) ([]ApplicationCard, error)
}

// Permits gives a citizen's live parking permits; the parking module
// answers it.
type Permits interface {
	Live(ctx context.Context, accountID string, limit int) ([]PermitCard, error)
}

// Challans gives a citizen's unpaid traffic challans; the traffic module
// answers it.
type Challans interface {
	Unpaid(ctx context.Context, accountID string, limit int) ([]ChallanCard, error)
}

// Waitlists are the citizen's places in the lines of every service;
// platform/offers answers it.
type Waitlists interface {
	Mine(ctx context.Context, p domain.Principal, pg page.Request) (page.Page[offers.EntryView], error)
	Leave(ctx context.Context, p domain.Principal, id string) (offers.EntryView, error)
	Accept(ctx context.Context, p domain.Principal, id string) (offers.OfferView, error)
	Decline(ctx context.Context, p domain.Principal, id string) (offers.OfferView, error)
	Live(ctx context.Context, accountID string, limit int) ([]offers.OfferView, error)
}

// Deps are what the home service reads from. Home owns no tables: the
// notifications are platform/notify's inbox and the access log is the
// audit log.
type Deps struct {
	Appointments Appointments
	Applications Applications
	Permits      Permits
	Challans     Challans
	Waitlists    Waitlists
	Inbox        *notify.Inbox
	Audit        *audit.Log
}

// Service is the home module's use cases.
type Service struct {
	appointments Appointments
	applications Applications
	permits      Permits
	challans     Challans
	waitlists    Waitlists
	inbox        *notify.Inbox
	audit        *audit.Log
}

// NewService returns the home service.
func NewService(d Deps) *Service {
	return &Service{appointments: d.Appointments, applications: d.Applications, permits: d.Permits, challans: d.Challans, waitlists: d.Waitlists, inbox: d.Inbox, audit: d.Audit}
}

// Overview gathers the citizen's home screen with a fixed number of
// queries, however much the citizen has, run side by side: the screen
// waits for the slowest, not for their sum.
func (s *Service) Overview(ctx context.Context, p domain.Principal) (Overview, error) {
	var out Overview
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { out.LiveOffers, err = s.waitlists.Live(ctx, p.Subject, overviewLimit); return err })
	g.Go(func() (err error) {
		out.UpcomingAppointments, err = s.appointments.Upcoming(ctx, p.Subject, overviewLimit)
		return err
	})
	g.Go(func() (err error) {
		out.SchoolApplications, err = s.applications.Recent(ctx, p.Subject, overviewLimit)
		return err
	})
	g.Go(func() (err error) { out.Permits, err = s.permits.Live(ctx, p.Subject, overviewLimit); return err })
	g.Go(func() (err error) {
		out.UnpaidChallans, err = s.challans.Unpaid(ctx, p.Subject, overviewLimit)
		return err
	})
	g.Go(func() (err error) { out.UnreadNotifications, err = s.inbox.Unread(ctx, p.Subject); return err })
	if err := g.Wait(); err != nil {
		return Overview{}, err
	}
	return out, nil
}

// Waitlists lists the citizen's places in every line, newest first.
func (s *Service) Waitlists(ctx context.Context, p domain.Principal, pg page.Request) (page.Page[offers.EntryView], error) {
	return s.waitlists.Mine(ctx, p, pg)
}

// LeaveWaitlist takes one of the citizen's places out of its line.
// Errors: NotFound, Conflict.
func (s *Service) LeaveWaitlist(ctx context.Context, p domain.Principal, id string) (offers.EntryView, error) {
	return s.waitlists.Leave(ctx, p, id)
}

// AcceptOffer takes an offered place. Errors: NotFound, Conflict, and the
// service's own refusals.
func (s *Service) AcceptOffer(ctx context.Context, p domain.Principal, id string) (offers.OfferView, error) {
	return s.waitlists.Accept(ctx, p, id)
}

// DeclineOffer gives an offered place up. Errors: NotFound, Conflict.
func (s *Service) DeclineOffer(ctx context.Context, p domain.Principal, id string) (offers.OfferView, error) {
	return s.waitlists.Decline(ctx, p, id)
}

// Notifications lists the citizen's notifications in lang, unread first.
func (s *Service) Notifications(ctx context.Context, p domain.Principal, lang string, pg page.Request) (page.Page[notify.Notification], error) {
	return s.inbox.List(ctx, p.Subject, lang, pg)
}

// MarkRead marks one of the citizen's notifications read. Errors: NotFound.
func (s *Service) MarkRead(ctx context.Context, p domain.Principal, id, lang string) (notify.Notification, error) {
	return s.inbox.MarkRead(ctx, p.Subject, id, lang)
}

// AccessLog lists who else read or changed the citizen's and their
// dependants' records, newest first.
func (s *Service) AccessLog(ctx context.Context, p domain.Principal, lang string, pg page.Request) (page.Page[AccessEntry], error) {
	entries, err := s.audit.AccessTo(ctx, p.Subject, pg)
	if err != nil {
		return page.Page[AccessEntry]{}, err
	}
	out := page.Page[AccessEntry]{Items: make([]AccessEntry, len(entries.Items)), NextCursor: entries.NextCursor}
	for i, e := range entries.Items {
		a := AccessEntry{At: e.At, By: e.ActorKind, Role: e.ActorRoles, UnitID: e.ActorUnit, Action: e.Action, Purpose: e.Action}
		if i18n.Has("purpose." + e.Action) {
			a.Purpose = i18n.T(lang, "purpose."+e.Action, nil)
		}
		if e.ActorKind == domain.KindClient {
			a.ClientID = e.ActorID
		}
		a.Department = departmentOf(e.ActorRoles)
		out.Items[i] = a
	}
	return out, nil
}
