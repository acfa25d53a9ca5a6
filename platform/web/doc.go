// Package web holds the small HTTP pieces every module uses: the router that
// registers each route with its permission, strict JSON binding with
// validation, and typed reading of path and query parameters.
package web
