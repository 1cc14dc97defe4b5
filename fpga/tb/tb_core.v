// Cosim testbench for judge_core (iverilog and Verilator --binary --timing). Reads int8 ATVs as whitespace-
// separated hex bytes from +stim=FILE (+n=N vectors), offers one byte every cycle, and prints per inference
//   R <index> <cycles> <logit0> <logit1> <logit2> <verdict> <confidence> <attr0> ... <attr29>
// With +trace=I it also prints the events of inference I as "T <cycle> <signal> <value>" (cycle = the core's
// own count from the first byte), compared one by one against firmware-sim/fpga/cycle-model.ts.
`timescale 1ns/1ps
`include "model_params.vh"

module tb;
  localparam integer DIM = `JN_DIM;
  localparam integer H = `JN_HIDDEN;
  localparam integer NSUB = `JN_NSUB;
  reg clk = 1'b0;
  reg rst = 1'b1;
  always #5 clk = ~clk;

  reg  [7:0] vec [0:DIM-1];
  reg        in_valid;
  wire       in_ready;
  reg  [7:0] in_data;
  wire       out_valid;
  wire [1:0] verdict;
  wire [7:0] confidence;
  wire signed [31:0] logit0, logit1, logit2;
  wire [32*NSUB-1:0] attribution;
  wire [31:0] cycles;

  judge_core dut (
    .clk(clk), .rst(rst), .in_valid(in_valid), .in_data(in_data), .in_ready(in_ready), .out_valid(out_valid),
    .verdict(verdict), .confidence(confidence), .logit0(logit0), .logit1(logit1), .logit2(logit2),
    .attribution(attribution), .cycles(cycles)
  );

  integer fd, n, idx, pos, trace, i, r, b;
  reg [1023:0] stim;
  reg [2:0] last_state;

  task load_vec;
    begin
      for (i = 0; i < DIM; i = i + 1) begin
        r = $fscanf(fd, "%h", b);
        vec[i] = b[7:0];
      end
    end
  endtask

  initial begin
    if (!$value$plusargs("stim=%s", stim)) begin $display("E no +stim"); $finish; end
    if (!$value$plusargs("n=%d", n)) n = 1;
    if (!$value$plusargs("trace=%d", trace)) trace = -1;
    fd = $fopen(stim, "r");
    if (fd == 0) begin $display("E cannot open stimulus"); $finish; end
    idx = 0; pos = 0; in_valid = 1'b0; in_data = 8'd0; last_state = 3'd0;
    load_vec;
    repeat (2) @(posedge clk);
    rst = 1'b0;
  end

  // Drive: one byte per cycle while the core is ready; next vector after the result.
  always @(negedge clk) if (!rst) begin
    in_valid = (pos < DIM);
    in_data = (pos < DIM) ? vec[pos] : 8'd0;
  end

  always @(posedge clk) if (!rst) begin
    if (in_valid && in_ready) pos = pos + 1;
    if (idx == trace) begin
      if (dut.counting && !dut.starting && dut.state != last_state)
        $display("T %0d state %0d", dut.cnt_next, dut.state);
      if (dut.state == 3'd1 && dut.last_of_sub)
        $display("T %0d q[%0d][%0d] %0d", dut.cnt_next, dut.sub, dut.h, dut.qv);
      if (dut.state == 3'd3)
        $display("T %0d logits %0d,%0d,%0d", dut.cnt_next, dut.l0, dut.l1, dut.l2);
      if (dut.state == 3'd4 && dut.h == H - 1)
        $display("T %0d attr[%0d] %0d", dut.cnt_next, dut.sub, dut.attr_next);
    end
    last_state = dut.state;
    if (out_valid) begin
      $write("R %0d %0d %0d %0d %0d %0d %0d", idx, cycles, logit0, logit1, logit2, verdict, confidence);
      for (i = 0; i < NSUB; i = i + 1) $write(" %0d", $signed(attribution[i*32 +: 32]));
      $write("\n");
      idx = idx + 1;
      if (idx >= n) begin $display("DONE %0d", idx); $fclose(fd); $finish; end
      load_vec;
      pos = 0;
    end
  end
endmodule
