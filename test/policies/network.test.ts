/**
 * redshift-enhanced-routing-s3-endpoint: a public workgroup with enhanced VPC
 * routing needs an S3 gateway endpoint in its VPC, whether the VPC is awsx's
 * component or plain subnets; the stacks passed the pack without one before.
 */
import assert from "node:assert/strict";
import { StackResource } from "../../model/resources";
import { redshiftEnhancedRoutingS3Endpoint } from "../../policies/network";
import { messages, res, run } from "./helpers";

const S3 = { serviceName: "com.amazonaws.eu-west-3.s3", vpcEndpointType: "Gateway" };

/** A workgroup whose subnetIds come from `from`, as the engine records it. */
function workgroup(from: StackResource[], inputs: Record<string, unknown> = { enhancedVpcRouting: true, publiclyAccessible: true }): StackResource {
  return { ...res("aws:redshiftserverless/workgroup:Workgroup", "warehouse", { ...inputs, subnetIds: from.map((s) => `${s.name}-id`) }, { dependsOn: from }), propertyDependencies: { subnetIds: from.map((s) => s.urn) } };
}

describe("network policies", () => {
  describe("redshift-enhanced-routing-s3-endpoint", () => {
    it("fails a public, enhanced-routing workgroup in an awsx VPC without an S3 gateway endpoint, passes it with one", () => {
      const bare = { ...res("awsx:ec2:Vpc", "vpc", { subnetSpecs: [{ type: "Public" }] }), custom: false };
      assert.match(messages(run(redshiftEnhancedRoutingS3Endpoint, [bare, workgroup([bare])]))[0], /warehouse routes COPY and UNLOAD through its VPC \(enhancedVpcRouting\) from public subnets: add an S3 gateway endpoint/);
      const withEndpoint = { ...bare, inputs: { ...bare.inputs, vpcEndpointSpecs: [S3] } };
      assert.deepEqual(run(redshiftEnhancedRoutingS3Endpoint, [withEndpoint, workgroup([withEndpoint])]).violations, []);
      const interfaceOnly = { ...bare, inputs: { ...bare.inputs, vpcEndpointSpecs: [{ ...S3, vpcEndpointType: "Interface" }] } };
      assert.equal(run(redshiftEnhancedRoutingS3Endpoint, [interfaceOnly, workgroup([interfaceOnly])]).violations.length, 1, "an interface endpoint does not take the route tables' S3 traffic");
    });

    it("follows plain subnets to their VPC and an endpoint on it", () => {
      const vpc = res("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" });
      const subnet = { ...res("aws:ec2/subnet:Subnet", "public-a", { vpcId: "vpc-1", mapPublicIpOnLaunch: true }, { dependsOn: [vpc] }), propertyDependencies: { vpcId: [vpc.urn] } };
      const endpoint = { ...res("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", { ...S3, vpcId: "vpc-1" }, { dependsOn: [vpc] }), propertyDependencies: { vpcId: [vpc.urn] } };
      assert.equal(run(redshiftEnhancedRoutingS3Endpoint, [vpc, subnet, workgroup([subnet])]).violations.length, 1);
      assert.deepEqual(run(redshiftEnhancedRoutingS3Endpoint, [vpc, subnet, endpoint, workgroup([subnet])]).violations, []);
    });

    it("leaves private or default-routed workgroups alone, and says when the VPC is not in the stack", () => {
      const bare = { ...res("awsx:ec2:Vpc", "vpc", {}), custom: false };
      assert.deepEqual(run(redshiftEnhancedRoutingS3Endpoint, [bare, workgroup([bare], { enhancedVpcRouting: true, publiclyAccessible: false })]).violations, []);
      assert.deepEqual(run(redshiftEnhancedRoutingS3Endpoint, [bare, workgroup([bare], { enhancedVpcRouting: false, publiclyAccessible: true })]).violations, []);
      const report = run(redshiftEnhancedRoutingS3Endpoint, [workgroup([])]);
      assert.deepEqual([report.violations.length, report.cannotVerify.length], [0, 1]);
    });
  });
});
