// JudgeNet integer core (docs/fpga.md "Architecture"). The arithmetic is defined bit for bit by the TypeScript
// golden model src/judge/judgenet/reference.ts; the schedule below is mirrored cycle for cycle by
// firmware-sim/fpga/cycle-model.ts. Input int8 bytes stream in one per cycle; every LANES bytes (or at the end of a
// subfield) the core spends HIDDEN cycles, one per hidden unit, on a LANES-wide int8 dot product into the
// per-subfield partial sum p[h]. At the end of subfield s it requantises p[h] into q[h][s] (kept for the
// attribution) and adds it to y[h]. Then 3*H cycles of output layer, 1 decide cycle, 30*H attribution cycles.
`timescale 1ns/1ps
`include "model_params.vh"

module judge_core #(
  parameter integer LANES  = `JN_LANES,
  parameter integer HIDDEN = `JN_HIDDEN,
  parameter integer NSUB   = `JN_NSUB,
  parameter integer NCHUNK = `JN_NCHUNK,
  parameter integer MULT   = `JN_REQUANT_MULT,
  parameter integer SHIFT  = `JN_REQUANT_SHIFT,
  parameter integer CSHIFT = `JN_CONF_SHIFT
) (
  input  wire                  clk,
  input  wire                  rst,
  input  wire                  in_valid,
  input  wire [7:0]            in_data,
  output wire                  in_ready,
  output reg                   out_valid,
  output reg  [1:0]            verdict,
  output reg  [7:0]            confidence,
  output reg  signed [31:0]    logit0,
  output reg  signed [31:0]    logit1,
  output reg  signed [31:0]    logit2,
  output reg  [32*NSUB-1:0]    attribution,
  output reg  [31:0]           cycles
);
  localparam [2:0] S_RECV = 3'd0, S_MAC = 3'd1, S_L2 = 3'd2, S_DECIDE = 3'd3, S_ATTR = 3'd4, S_DONE = 3'd5;

  // Weights: W1 in chunk-major order (chunk c, hidden h) as LANES-byte words, zero-padded past the subfield end.
  reg [8*LANES-1:0] w1mem [0:NCHUNK*HIDDEN-1];
  reg signed [7:0]  w2mem [0:3*HIDDEN-1];
  reg [31:0]        b2mem [0:2];
  reg [15:0]        sublen [0:NSUB-1];
  initial begin
    $readmemh(`JN_W1_HEX, w1mem);
    $readmemh(`JN_W2_HEX, w2mem);
    $readmemh(`JN_B2_HEX, b2mem);
    $readmemh(`JN_SUBLEN_HEX, sublen);
  end

  reg signed [31:0] pmem [0:HIDDEN-1];        // per-subfield partial sums p[h]
  reg signed [31:0] ymem [0:HIDDEN-1];        // hidden pre-activations y[h] = sum_s q[h][s]
  reg signed [31:0] qmem [0:NSUB*HIDDEN-1];   // q[h][s] at s*HIDDEN + h, read back for the attribution

  reg [2:0]  state;
  reg        busy;
  reg [31:0] cnt;
  reg [4:0]  sub;
  reg [15:0] sub_pos;
  reg [15:0] lane;
  reg [15:0] chunk;
  reg [15:0] h;
  reg [1:0]  o;
  reg        last_of_sub;
  reg [8*LANES-1:0] xbuf;
  reg [8*LANES-1:0] w1q;
  reg signed [31:0] l0, l1, l2;
  reg signed [31:0] attr_acc;
  reg signed [31:0] qq;

  assign in_ready = (state == S_RECV);
  wire accept   = in_valid && in_ready;
  wire starting = accept && !busy;
  wire counting = starting || busy;
  wire [31:0] cnt_next = (starting ? 32'd0 : cnt) + 32'd1;

  // Synchronous weight read, addressed one cycle ahead of its use (block-RAM friendly).
  wire [31:0] w_addr = (state == S_MAC) ? chunk * HIDDEN + h + 1 : chunk * HIDDEN;
  always @(posedge clk) if (w_addr < NCHUNK * HIDDEN) w1q <= w1mem[w_addr];

  // Synchronous q read for the attribution, one cycle ahead: linear index s*HIDDEN + h.
  wire [31:0] q_idx  = sub * HIDDEN + h;
  wire [31:0] q_addr = (state == S_ATTR) ? q_idx + 1 : 32'd0;
  always @(posedge clk) if (q_addr < NSUB * HIDDEN) qq <= qmem[q_addr];

  // LANES-wide int8 dot product (combinational adder tree; int32 result). Only MAC cycles use it; gating it
  // by state changes no result and saves event-driven simulators from re-evaluating it on every input byte.
  reg signed [31:0] dot;
  integer li;
  always @* begin
    dot = 32'sd0;
    if (state == S_MAC)
      for (li = 0; li < LANES; li = li + 1)
        dot = dot + $signed(w1q[li*8 +: 8]) * $signed(xbuf[li*8 +: 8]);
  end

  wire signed [31:0] acc = pmem[h] + dot;
  // Requantisation q = (acc * MULT + 2^(SHIFT-1)) >>> SHIFT, computed in 64 bits.
  wire signed [63:0] prod  = $signed({{32{acc[31]}}, acc}) * $signed({32'd0, MULT[31:0]});
  wire signed [63:0] round = prod + ($signed(64'd1) <<< (SHIFT - 1));
  wire signed [63:0] shr   = round >>> SHIFT;
  wire signed [31:0] qv    = shr[31:0];
  wire signed [31:0] ysum  = (sub == 0 ? 32'sd0 : ymem[h]) + qv;

  wire signed [31:0] yh    = ymem[h];
  wire signed [31:0] yrelu = (yh > 0) ? yh : 32'sd0;

  // DECIDE: argmax with the lowest index winning ties, margin confidence.
  wire        v1 = l1 > l0;
  wire signed [31:0] t01 = v1 ? l1 : l0;
  wire        v2 = l2 > t01;
  wire [1:0]  win = v2 ? 2'd2 : (v1 ? 2'd1 : 2'd0);
  wire signed [31:0] top = v2 ? l2 : t01;
  wire signed [31:0] sec = (win == 2'd0) ? ((l1 > l2) ? l1 : l2) : (win == 2'd1) ? ((l0 > l2) ? l0 : l2)
                                                                               : ((l0 > l1) ? l0 : l1);
  wire signed [32:0] margin = {top[31], top} - {sec[31], sec};
  wire [32:0] mshift = margin >>> CSHIFT;
  wire [7:0]  conf = (mshift > 33'd255) ? 8'd255 : mshift[7:0];

  // The output layer and the attribution share one int8 x int32 multiplier (they run in different states), so
  // the whole core needs LANES + 1 multipliers besides the requantisation (a constant multiplier).
  wire [1:0]  w2row = (state == S_L2) ? o : verdict;
  wire signed [7:0]  mul_a = w2mem[w2row * HIDDEN + h];
  wire signed [31:0] mul_b = (state == S_L2) ? yrelu : ((yh > 0) ? qq : 32'sd0);
  wire signed [31:0] prod2 = mul_a * mul_b;
  wire signed [31:0] attr_next = attr_acc + prod2;

  integer k;
  initial begin
    for (k = 0; k < HIDDEN; k = k + 1) begin pmem[k] = 0; ymem[k] = 0; end
    for (k = 0; k < NSUB*HIDDEN; k = k + 1) qmem[k] = 0;
    xbuf = 0; w1q = 0; qq = 0;
  end

  always @(posedge clk) begin
    if (rst) begin
      state <= S_RECV; busy <= 1'b0; cnt <= 32'd0; sub <= 5'd0; sub_pos <= 16'd0; lane <= 16'd0;
      chunk <= 16'd0; h <= 16'd0; o <= 2'd0; last_of_sub <= 1'b0; out_valid <= 1'b0; attr_acc <= 32'sd0;
    end else begin
      out_valid <= 1'b0;
      if (counting) cnt <= cnt_next;
      if (starting) busy <= 1'b1;
      case (state)
        S_RECV: if (accept) begin
          xbuf[lane*8 +: 8] <= in_data;
          sub_pos <= sub_pos + 16'd1;
          if (lane == LANES - 1 || sub_pos == sublen[sub] - 16'd1) begin
            state <= S_MAC; h <= 16'd0; last_of_sub <= (sub_pos == sublen[sub] - 16'd1);
          end else lane <= lane + 16'd1;
        end
        S_MAC: begin
          if (last_of_sub) begin
            qmem[sub * HIDDEN + h] <= qv;
            ymem[h] <= ysum;
            pmem[h] <= 32'sd0;
          end else pmem[h] <= acc;
          if (h == HIDDEN - 1) begin
            h <= 16'd0; lane <= 16'd0; chunk <= chunk + 16'd1;
            if (last_of_sub) begin
              sub_pos <= 16'd0;
              if (sub == NSUB - 1) begin
                state <= S_L2; l0 <= b2mem[0]; l1 <= b2mem[1]; l2 <= b2mem[2];
              end else begin
                sub <= sub + 5'd1; state <= S_RECV;
              end
            end else state <= S_RECV;
          end else h <= h + 16'd1;
        end
        S_L2: begin
          // One shared multiplier: logit o gets W2[o][h] * relu(y[h]), o outer, h inner (3*HIDDEN cycles).
          if (o == 2'd0) l0 <= l0 + prod2;
          if (o == 2'd1) l1 <= l1 + prod2;
          if (o == 2'd2) l2 <= l2 + prod2;
          if (h == HIDDEN - 1) begin
            h <= 16'd0;
            if (o == 2'd2) begin o <= 2'd0; state <= S_DECIDE; end else o <= o + 2'd1;
          end else h <= h + 16'd1;
        end
        S_DECIDE: begin
          verdict <= win; confidence <= conf; logit0 <= l0; logit1 <= l1; logit2 <= l2;
          sub <= 5'd0; h <= 16'd0; attr_acc <= 32'sd0; state <= S_ATTR;
        end
        S_ATTR: begin
          if (h == HIDDEN - 1) begin
            attribution[sub*32 +: 32] <= attr_next;
            attr_acc <= 32'sd0; h <= 16'd0;
            if (sub == NSUB - 1) begin
              state <= S_DONE; cycles <= cnt_next; busy <= 1'b0;
            end else sub <= sub + 5'd1;
          end else begin
            attr_acc <= attr_next; h <= h + 16'd1;
          end
        end
        S_DONE: begin
          out_valid <= 1'b1; state <= S_RECV; sub <= 5'd0; chunk <= 16'd0; lane <= 16'd0;
        end
        default: state <= S_RECV;
      endcase
    end
  end
endmodule
