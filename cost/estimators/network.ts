/**
 * Networking parts awsx creates: NAT gateways, Elastic IPs (public IPv4),
 * VPC endpoints (interface endpoints are billed per AZ-hour and per GB;
 * gateway endpoints for S3 and DynamoDB are free).
 * https://aws.amazon.com/vpc/pricing/ and https://aws.amazon.com/privatelink/pricing/
 */
import { HOURS_PER_MONTH } from "../constants";
import { Estimator, at, line, strAt, use } from "./types";

export const natGateway: Estimator = {
  usageKeys: {
    monthly_data_processed_gb: "GB processed by the NAT gateway a month.",
  },
  // A public NAT gateway's IPv4 address is billed on its Eip resource.
  price({ usage, prices }) {
    return [
      ...line(prices, "ec2.natGatewayHour", "NAT gateway hours", HOURS_PER_MONTH),
      ...line(prices, "ec2.natGatewayGb", "Data processed", use(usage, "monthly_data_processed_gb")),
    ];
  },
};

export const elasticIp: Estimator = {
  usageKeys: {},
  price({ prices }) {
    return line(prices, "ec2.publicIpv4Hour", "Public IPv4 address hours", HOURS_PER_MONTH);
  },
};

export const vpcEndpoint: Estimator = {
  priceProps: ["vpcEndpointType", "subnetIds"],
  usageKeys: {
    monthly_data_processed_gb: "GB processed by the endpoint a month (interface endpoints).",
  },
  price({ props, usage, prices }) {
    const type = (strAt(props, "vpcEndpointType") ?? "Gateway").toLowerCase();
    if (type === "gateway") return [];
    const subnets = at(props, "subnetIds");
    const azs = Array.isArray(subnets) && subnets.length > 0 ? subnets.length : 1;
    return [
      ...line(prices, "vpc.interfaceEndpointAzHour", `Endpoint hours (${azs} AZ)`, azs * HOURS_PER_MONTH),
      ...line(prices, "vpc.interfaceEndpointGb", "Data processed", use(usage, "monthly_data_processed_gb")),
    ];
  },
};
