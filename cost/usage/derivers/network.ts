/**
 * VPC networking: NAT gateways and interface endpoints bill the data they
 * process, which nothing in a stack bounds (gateway endpoints are free).
 */
import { strAt } from "../../estimators/types";
import { unbounded } from "../amount";
import { toDerived } from "../derived";
import type { Deriver } from "./types";

export const natGateway: Deriver = {
  derive() {
    return toDerived({ monthly_data_processed_gb: unbounded(0, "NAT gateway data processing has no configured bound") });
  },
};

export const vpcEndpoint: Deriver = {
  derive(r) {
    return (strAt(r.inputs, "vpcEndpointType") ?? "Gateway").toLowerCase() === "interface"
      ? toDerived({ monthly_data_processed_gb: unbounded(0, "interface endpoint data processing has no configured bound") })
      : undefined;
  },
};
