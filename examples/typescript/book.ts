// An aggregator app's booking flow, written against the types openapi-typescript
// generates from the API's OpenAPI 3 document (npm run generate), through
// openapi-fetch. `npm run check` type-checks it: a field, status or problem the
// document does not declare is a compile error here.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

type Problem = components["schemas"]["Problem"];
type Appointment = components["schemas"]["Appointment"];

const api = createClient<paths>({ baseUrl: "http://localhost:8080" });

export async function signIn(username: string, password: string): Promise<string> {
  const { data, error, response } = await api.POST("/api/v1/auth/login", { body: { username, password } });
  if (error) {
    // Every refusal is RFC 9457 problem+json; 429 says when to try again.
    throw new Error(`${error.title}: ${error.detail} (retry after ${response.headers.get("Retry-After") ?? "-"} s)`);
  }
  return data.access_token;
}

export async function bookFirstFree(token: string, specialty?: string): Promise<Appointment> {
  const slots = await api.GET("/api/v1/health/slots", { params: { query: specialty ? { specialty, limit: 20 } : { limit: 20 } } });
  if (slots.error) throw new Error(slots.error.detail);
  for (const slot of slots.data.items) {
    const booked = await api.POST("/api/v1/health/appointments", {
      params: { header: { "Idempotency-Key": crypto.randomUUID() } },
      headers: { Authorization: `Bearer ${token}` },
      body: { slot_id: slot.id },
    });
    if (booked.data) return booked.data;
    const problem: Problem = booked.error;
    if (problem.status !== 409) throw new Error(problem.errors?.map((e) => `${e.field}: ${e.message}`).join("; ") ?? problem.detail);
  }
  throw new Error("no free slot on the first page");
}

export async function myAppointments(token: string, cursor?: string): Promise<{ items: Appointment[]; next: string | null }> {
  const { data, error } = await api.GET("/api/v1/health/appointments", {
    params: { query: cursor ? { cursor } : {} },
    headers: { Authorization: `Bearer ${token}` },
  });
  if (error) throw new Error(error.detail);
  const status: components["schemas"]["AppointmentStatus"] | undefined = data.items[0]?.status;
  void status;
  return { items: data.items, next: data.next_cursor };
}
