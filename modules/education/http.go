package education

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/web"
)

// Handler serves the education module over HTTP.
type Handler struct {
	svc *Service
}

// NewHandler returns a Handler for svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// SchoolList is a page of schools.
type SchoolList struct {
	Items      []School `json:"items"`
	NextCursor *string  `json:"next_cursor"`
} // @name SchoolList

// listSchools godoc
//
//	@Summary		Search public schools
//	@Description	Public. Filter by sector, level and gender; with grade, only schools with free seats in that grade for the academic year (the coming one by default). Ordered by name; each school lists its seats and filled counts per academic year and grade.
//	@ID				listSchools
//	@Tags			education
//	@Produce		json
//	@Param			sector			query		string	false	"sector, e.g. F-7/2"
//	@Param			level			query		string	false	"school level"									Enums(primary, middle, secondary, higher_secondary)
//	@Param			gender			query		string	false	"who the school admits"							Enums(boys, girls, co)
//	@Param			grade			query		int		false	"only schools with free seats in this grade"	minimum(1)	maximum(12)
//	@Param			academic_year	query		string	false	"academic year for the grade filter, e.g. 2027-28"
//	@Param			limit			query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Success		200				{object}	SchoolList
//	@Failure		400				{object}	web.Problem
//	@Failure		422				{object}	web.Problem
//	@Router			/api/v1/education/schools [get]
func (h *Handler) listSchools(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	f := SchoolFilter{Sector: c.QueryParam("sector"), Level: c.QueryParam("level"), Gender: c.QueryParam("gender"), AcademicYear: c.QueryParam("academic_year")}
	if f.Grade, err = web.QueryIntPtr(c, "grade"); err != nil {
		return err
	}
	res, err := h.svc.Schools(c.Request().Context(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, SchoolList{Items: res.Items, NextCursor: res.NextCursor})
}

// getSchool godoc
//
//	@Summary		Get a school with its seats
//	@Description	One school with its seats for every academic year and grade (seats and filled).
//	@ID				getSchool
//	@Tags			education
//	@Produce		json
//	@Param			id	path		string	true	"school ID"	format(uuid)
//	@Success		200	{object}	School
//	@Failure		400	{object}	web.Problem
//	@Failure		404	{object}	web.Problem
//	@Router			/api/v1/education/schools/{id} [get]
func (h *Handler) getSchool(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	sc, err := h.svc.School(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sc)
}
