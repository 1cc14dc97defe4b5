// Synthesis wrapper for a resource / Fmax report of judge_core alone: a 16-bit LFSR streams input bytes and
// every result bit is XOR-folded into one pin, so no logic is optimised away and the design fits a small
// package (the UP5K SG48 has 39 I/Os). The lab bitstream uses judge_top (UART front end) instead.
`timescale 1ns/1ps
`include "model_params.vh"

module synth_top (
  input  wire clk,
  input  wire rst,
  output reg  result_pin,
  output wire ready_pin
);
  reg [15:0] lfsr;
  always @(posedge clk) lfsr <= rst ? 16'hace1 : {lfsr[14:0], lfsr[15] ^ lfsr[13] ^ lfsr[12] ^ lfsr[10]};
  wire out_valid;
  wire [1:0] verdict;
  wire [7:0] confidence;
  wire signed [31:0] l0, l1, l2;
  wire [32*`JN_NSUB-1:0] attr;
  wire [31:0] cycles;
  judge_core core (
    .clk(clk), .rst(rst), .in_valid(lfsr[0]), .in_data(lfsr[15:8]), .in_ready(ready_pin), .out_valid(out_valid),
    .verdict(verdict), .confidence(confidence), .logit0(l0), .logit1(l1), .logit2(l2), .attribution(attr),
    .cycles(cycles)
  );
  always @(posedge clk) if (out_valid) result_pin <= ^{verdict, confidence, l0, l1, l2, attr, cycles};
endmodule
