/**
 * Network paths that break or bill silently: a Redshift Serverless workgroup
 * with enhanced VPC routing sends COPY and UNLOAD traffic to S3 through its
 * VPC (https://docs.aws.amazon.com/redshift/latest/mgmt/enhanced-vpc-routing.html);
 * in public subnets without an S3 gateway endpoint it takes the internet
 * gateway's route instead. A gateway endpoint on the subnets' route tables
 * keeps it on AWS's network, and gateway endpoints cost nothing.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { checkEach, peek, reportCannotVerify, resourcesOfType } from "./common";

/** True for an S3 gateway endpoint spec or resource (`com.amazonaws.<region>.s3`, type Gateway, the default). */
function isS3Gateway(e: unknown): boolean {
  const service = peek(e, "serviceName");
  const type = peek(e, "vpcEndpointType") ?? "Gateway";
  return typeof service === "string" && /^com\.amazonaws\.[a-z0-9-]+\.s3$/.test(service) && type === "Gateway";
}

/** Whether the VPC a workgroup's subnets come from has an S3 gateway endpoint; undefined when the stack does not say which VPC. */
function hasS3GatewayEndpoint(resources: readonly PolicyResource[], workgroup: PolicyResource): boolean | undefined {
  const sources = workgroup.propertyDependencies["subnetIds"] ?? [];
  // awsx's Vpc component: its endpoint specs (the endpoints it creates are its children, unseen under mocks).
  const awsxVpc = sources.find((s) => s.type === "awsx:ec2:Vpc");
  if (awsxVpc) {
    const specs = peek(awsxVpc.props, "vpcEndpointSpecs");
    return Array.isArray(specs) && specs.some(isS3Gateway);
  }
  // Plain subnets: their VPC, and an endpoint whose vpcId comes from it.
  const vpcs = new Set(sources.filter((s) => s.type === "aws:ec2/subnet:Subnet").flatMap((s) => (s.propertyDependencies["vpcId"] ?? []).map((v) => v.urn)));
  if (vpcs.size === 0) return undefined;
  return resourcesOfType(resources, "aws:ec2/vpcEndpoint:VpcEndpoint").some((e) => isS3Gateway(e.props) && (e.propertyDependencies["vpcId"] ?? []).some((v) => vpcs.has(v.urn)));
}

export const redshiftEnhancedRoutingS3Endpoint: StackValidationPolicy = {
  name: "redshift-enhanced-routing-s3-endpoint",
  description: "A publicly accessible Redshift Serverless workgroup with enhanced VPC routing must have an S3 gateway endpoint in its VPC, or COPY and UNLOAD reach S3 through the internet gateway.",
  validateStack: (args, report) => {
    checkEach(resourcesOfType(args.resources, "aws:redshiftserverless/workgroup:Workgroup"), report, (wg) => {
      if (peek(wg.props, "enhancedVpcRouting") !== true || peek(wg.props, "publiclyAccessible") !== true) return;
      const found = hasS3GatewayEndpoint(args.resources, wg);
      if (found === undefined) reportCannotVerify(report, wg.urn, `the VPC of ${wg.name}'s subnets is not in the stack`);
      else if (!found) {
        report(`Redshift Serverless workgroup ${wg.name} routes COPY and UNLOAD through its VPC (enhancedVpcRouting) from public subnets: add an S3 gateway endpoint (com.amazonaws.<region>.s3, Gateway) on their route tables.`, wg.urn);
      }
    });
  },
};

export const networkPolicies = [redshiftEnhancedRoutingS3Endpoint];
